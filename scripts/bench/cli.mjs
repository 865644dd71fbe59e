/** `wordcount FILE` from the command line, start-up and upload included, against `--in-process`. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function measureCli({ root, scratch, english, englishFile, report }) {
  const cli = join(root, 'dist', 'functions', 'cli', 'main.js');
  const env = { ...process.env, XDG_CACHE_HOME: join(scratch, 'cache') };
  const timeCommand = (args) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, [cli, englishFile, '--top', '1', ...args], {
      env,
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`wordcount ${args.join(' ')} failed: ${result.stderr}`);
    return (performance.now() - started) / 1000;
  };
  const inProcess = Math.min(timeCommand(['--in-process']), timeCommand(['--in-process']));
  const functions = Math.min(timeCommand([]), timeCommand([]));
  report(
    `| \`wordcount FILE\` on ${(english.length / 1e6).toFixed(1)} MB, folder store, with start-up and upload | ${functions.toFixed(2)} s through local functions, ${inProcess.toFixed(2)} s in process: ${(functions / inProcess).toFixed(1)}× |`,
  );
}
