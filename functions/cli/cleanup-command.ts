/** `wordcount cleanup`: makes a running coordinator sweep what ended and abandoned jobs left. */
import type { CleanupCommand } from './args.js';
import { CoordinatorClient } from './coordinator-client.js';
import type { Io } from './io.js';

export async function cleanup(command: CleanupCommand, io: Io): Promise<void> {
  const client = new CoordinatorClient(command.coordinator);
  try {
    const report = await client.cleanup(command.retentionSeconds);
    io.stdout.write(
      `removed ${report.objectsRemoved} objects (${report.bytesRemoved} bytes) of ` +
        `${report.jobsCleaned} jobs; ${report.jobsScanned} jobs scanned` +
        `${report.truncated ? '; more remain for the next sweep' : ''}\n`,
    );
  } finally {
    await client.close();
  }
}
