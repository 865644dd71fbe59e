/**
 * Time reserved for one function call: its timeout plus a margin for the network and for
 * queueing in front of the function, in ms. The margin is 10 s, but for short timeouts
 * 1 s plus half the timeout, so that a coordinator with a short timeout can still call.
 */
export function callMarginSeconds(timeoutSeconds: number): number {
  return Math.min(10, 1 + timeoutSeconds / 2);
}

export function callMs(timeoutSeconds: number): number {
  return (timeoutSeconds + callMarginSeconds(timeoutSeconds)) * 1000;
}
