/** A progress bar on stderr for long counts, shown only when stderr is a terminal. */
import cliProgress from 'cli-progress';

import { formatBytes } from './byte-size.js';

/** Inputs smaller than this finish too fast for a bar to help: 64 MiB. */
const MIN_BYTES_FOR_BAR = 64 * 1024 * 1024;

export interface Progress {
  update(bytesDone: number): void;
  stop(): void;
}

const silent: Progress = { update: () => undefined, stop: () => undefined };

/** Returns a bar over `totalBytes`, or a no-op when stderr is not a terminal or the input is small. */
export function startProgress(totalBytes: number, stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY || totalBytes < MIN_BYTES_FOR_BAR) return silent;

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'counting [{bar}] {percentage}% | {done} of {size} | {eta_formatted} left',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalBytes, 0, { done: formatBytes(0), size: formatBytes(totalBytes) });

  return {
    update: (bytesDone) => bar.update(bytesDone, { done: formatBytes(bytesDone) }),
    stop: () => bar.stop(),
  };
}
