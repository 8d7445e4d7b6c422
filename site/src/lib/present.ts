/** Turning the run's free-form fields (recipe flags, hardware) into readable rows. */

const SPELLED_OUT: Record<string, string> = { lr: 'Learning rate' };

/** `batchSize`, `batch_size` and `batch-size` all read "Batch size". */
export function humanizeKey(key: string): string {
  if (SPELLED_OUT[key]) return SPELLED_OUT[key];
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(formatValue).join(', ');
  return JSON.stringify(v);
}

/** Rows for a key/value table, skipping empty values and the keys named in `omit`. */
export function rowsOf(obj: Record<string, unknown> | undefined | null, omit: readonly string[] = []): [string, string][] {
  if (!obj) return [];
  return Object.entries(obj)
    .filter(([k, v]) => !omit.includes(k) && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => [humanizeKey(k), formatValue(v)]);
}

/**
 * JSON indented like JSON.stringify(v, null, 2), but with every object or array of plain values
 * that fits on one line kept on one line: API examples stay short enough to read.
 */
export function compactJson(value: unknown, indent = '', width = 72): string {
  const inner = indent + '  ';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Array.isArray(value) ? value.map((v) => [null, v] as const) : Object.entries(value).map(([k, v]) => [k, v] as const);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (!entries.length) return open + close;
  const flat = entries.every(([, v]) => v === null || typeof v !== 'object');
  const item = ([k, v]: readonly [string | null, unknown], pad: string) =>
    (k === null ? '' : JSON.stringify(k) + ': ') + compactJson(v, pad, width);
  if (flat) {
    const line = `${open} ${entries.map((e) => item(e, inner)).join(', ')} ${close}`;
    if (indent.length + line.length <= width) return line;
  }
  return `${open}\n${entries.map((e) => inner + item(e, inner)).join(',\n')}\n${indent}${close}`;
}
