/**
 * Entry point of the container image: the first argument, or $WORDCOUNT_FUNCTION, picks the
 * coordinator, map or reduce function, or the `wordcount` command with the arguments after it.
 *
 *   docker run IMAGE map
 *   docker run IMAGE wordcount submit s3://BUCKET/KEY --coordinator URL --wait
 */
const ROLES = ['coordinator', 'map', 'reduce', 'wordcount'];

const [first, ...rest] = process.argv.slice(2);
const role = first ?? process.env.WORDCOUNT_FUNCTION;

if (role === undefined || !ROLES.includes(role)) {
  process.stderr.write(
    `wordcount image: unknown role ${JSON.stringify(role ?? '')}; pass one of ${ROLES.join(', ')} ` +
      'as the first argument or in WORDCOUNT_FUNCTION\n',
  );
  process.exit(2);
}

if (role === 'wordcount') {
  process.argv = [process.argv[0], 'wordcount', ...rest];
  await import('./cli/main.js');
} else {
  await import(`./${role}/main.js`);
}
