/**
 * Where the focus goes in a list with a roving tabindex after a key: arrows move one item (and stop at
 * the ends), Home and End jump. Null when the key does not move it.
 */
export function nextListIndex(key: string, current: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, current + 1);
    case 'ArrowUp':
      return Math.max(0, current - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
