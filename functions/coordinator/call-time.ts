/** Time reserved for one function call: its timeout plus the client's margin, in ms. */
export const CALL_MARGIN_SECONDS = 10;

export function callMs(timeoutSeconds: number): number {
  return (timeoutSeconds + CALL_MARGIN_SECONDS) * 1000;
}
