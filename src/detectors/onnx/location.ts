/**
 * Why an external-data `location` leaves the model's folder, or undefined when it stays in it.
 * The ONNX spec makes `location` a path relative to the model file's folder; onnx's loader
 * (external_data_helper) and onnxruntime join it to that folder, so an absolute path, a drive
 * or UNC prefix, or a `..` segment reads (or, on save, writes) a file anywhere
 * (CVE-2022-25882, CVE-2024-27318).
 */
export function locationEscape(location: string): string | undefined {
  if (/[\u0000-\u001f]/.test(location)) return 'contains control characters (a NUL cuts the path in C runtimes)';
  if (location.startsWith('/')) return 'is an absolute path';
  if (location.startsWith('\\\\')) return 'is a Windows UNC path (another host)';
  if (location.startsWith('\\')) return 'is rooted at the drive';
  if (/^[A-Za-z]:/.test(location)) return 'names a Windows drive';
  const segments = location.split(/[\\/]+/);
  if (segments.includes('..')) {
    let level = 0;
    for (const s of segments) {
      if (s === '..') level--;
      else if (s !== '' && s !== '.') level++;
      if (level < 0) return 'climbs out of the model folder with `..`';
    }
    return 'contains a `..` segment';
  }
  return undefined;
}
