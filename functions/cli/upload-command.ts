/** `wordcount upload FILE s3://BUCKET/KEY`: stores a text for jobs, creating the bucket when needed. */
import type { UploadCommand } from './args.js';
import type { Io } from './io.js';
import { displayPath, openInput } from './open-input.js';
import { plural } from './report.js';
import { resolveStore } from './store-options.js';

export async function upload(command: UploadCommand, io: Io): Promise<void> {
  const { handle } = await openInput(command.file);
  await handle.close();

  const target = resolveStore({ ...command, store: `s3://${command.bucket}` }, io.env);
  await target.store.makeBucket(command.bucket);
  const info = await target.store.putFile(command.bucket, command.key, command.file);
  io.stderr.write(
    `wordcount: stored ${displayPath(command.file)} as s3://${command.bucket}/${command.key} ` +
      `(${plural(info.size, 'byte')}, ETag ${info.etag})\n`,
  );
}
