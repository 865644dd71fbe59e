/** Byte sizes on the command line: a whole number of bytes, optionally with a binary unit. */

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Parses `4096`, `4KiB`, `64MiB` or `2GiB` (units are case-insensitive) into bytes.
 * Returns undefined when the text is not such a size or the size is not a safe integer.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+)([a-z]*)$/i.exec(text);
  if (match === null) return undefined;

  const unit = UNITS[match[2].toLowerCase()];
  if (unit === undefined) return undefined;

  const bytes = Number(match[1]) * unit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** Formats a byte count for people: `3.3 MB`, `512 B` (decimal units). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
