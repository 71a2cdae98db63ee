//! Stable sorting through one merge sort of indices, shared by every list the core sorts.
//!
//! The standard library's stable sort is generic over the element and the comparison: each of the core's seven
//! sorts (rungs by size, warnings by tranche, resting orders by price, exit events, book levels, fills) compiled a
//! copy of it, about 37 KiB of the npm package's wasm before any other change. Here the sorting itself is one
//! function over indices; what is generic is only the comparison and moving the items into their order.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order (as `slice::sort_by` does).
pub(crate) fn sort_stable_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    // Already in order (a plan's warnings nearly always are: the walk raises them tranche by tranche): nothing
    // to move, one comparison per neighbour.
    if items.windows(2).all(|pair| matches!(pair, [a, b] if compare(a, b) != Ordering::Greater)) {
        return;
    }
    let order = {
        let list = &*items;
        stable_order(list.len(), &mut |i, j| match (list.get(i), list.get(j)) {
            (Some(a), Some(b)) => compare(a, b),
            _ => Ordering::Equal,
        })
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)));
}

/// Sorts `items` by the key `key` gives, keeping equal keys in their order (as `slice::sort_by_key` does).
pub(crate) fn sort_stable_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_stable_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The indices `0..n` in the order `compare` gives, ties in index order: a bottom-up merge sort, `n·log n`
/// comparisons, not generic.
fn stable_order(n: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to: Vec<usize> = vec![0; n];
    let mut width = 1_usize;
    while width < n {
        let mut start = 0_usize;
        while start < n {
            let middle = start.saturating_add(width).min(n);
            let end = middle.saturating_add(width).min(n);
            merge(&from, &mut to, start, middle, end, compare);
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width = width.saturating_mul(2);
    }
    from
}

/// Merges the sorted runs `from[start..middle]` and `from[middle..end]` into `to[start..end]`, the left run first
/// among equals.
fn merge(
    from: &[usize],
    to: &mut [usize],
    start: usize,
    middle: usize,
    end: usize,
    compare: &mut dyn FnMut(usize, usize) -> Ordering,
) {
    let (mut left, mut right) = (start, middle);
    for slot in to.iter_mut().take(end).skip(start) {
        let take_left = match (from.get(left), from.get(right).filter(|_| right < end)) {
            (Some(&l), Some(&r)) if left < middle => compare(r, l) != Ordering::Less,
            (Some(_), _) if left < middle => true,
            _ => false,
        };
        let source = if take_left { &mut left } else { &mut right };
        if let Some(&index) = from.get(*source) {
            *slot = index;
        }
        *source = source.saturating_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard library's stable sort, ties included.
        #[test]
        fn sorts_as_the_standard_stable_sort(items in prop::collection::vec((0u8..8, any::<u16>()), 0..300)) {
            let mut ours = items.clone();
            let mut theirs = items;
            sort_stable_by(&mut ours, |a, b| a.0.cmp(&b.0));
            theirs.sort_by(|a, b| a.0.cmp(&b.0));
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn by_key_and_reversed() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd')];
        sort_stable_by_key(&mut v, |x| std::cmp::Reverse(x.0));
        assert_eq!(v, vec![(3, 'a'), (3, 'c'), (2, 'd'), (1, 'b')]);
    }
}
