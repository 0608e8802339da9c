//! A bucket's source groups as one ordered list (seventh round), against a map keyed by
//! (table, product), which is what they were kept in before.

use super::super::bucket::{Bucket, Source, SourceGroup, Sources};
use super::*;

/// A group of `rows` lines of `base` each, its rows from `first` on.
fn group(base: &str, rows: u64, first: usize) -> SourceGroup {
    let mut ranges = RowRanges::default();
    for row in first..first + rows as usize {
        ranges.push(row);
    }
    SourceGroup {
        coefficient: d("0.5"),
        base: Tally {
            rows,
            amount: d(base),
        },
        weighted_base: d(base) * d("0.5"),
        rows: ranges,
        amounts: LineAmounts {
            net: d(base),
            list: d(base),
            without_list: 0,
            voucher: Decimal::ZERO,
        },
    }
}

/// (table, product, base, rows, first row).
type Row<'t> = (usize, &'t str, &'t str, u64, usize);

fn sources(rows: &[Row<'_>]) -> Sources {
    let mut sources = Sources::default();
    for &(table, product, base, count, first) in rows {
        assert!(
            sources
                .insert(table, product.into(), group(base, count, first))
                .is_none()
        );
    }
    sources
}

/// The same groups in a map, merged as the map-based bucket merged them.
fn reference(parts: &[(&[Row<'_>], usize)]) -> BTreeMap<(usize, String), SourceGroup> {
    let mut map: BTreeMap<(usize, String), SourceGroup> = BTreeMap::new();
    for &(rows, offset) in parts {
        for &(table, product, base, count, first) in rows {
            let new = group(base, count, first);
            match map.get_mut(&(table + offset, product.to_string())) {
                Some(existing) => {
                    existing.base.merge(&new.base).unwrap();
                    existing.weighted_base += new.weighted_base;
                    existing.rows.merge(&new.rows);
                    existing.amounts.merge(&new.amounts).unwrap();
                }
                None => {
                    map.insert((table + offset, product.to_string()), new);
                }
            }
        }
    }
    map
}

#[test]
fn sources_keep_table_then_product_order_and_find_each_group() {
    // Inserted out of order; product names compare as text ("RDS" < "ecs").
    let rows: [Row<'_>; 5] = [
        (1, "ecs", "1", 1, 10),
        (0, "SLB", "2", 1, 11),
        (1, "RDS", "3", 2, 12),
        (0, "ECS", "4", 1, 14),
        (2, "ECS", "5", 1, 15),
    ];
    let mut found = sources(&rows);
    let order: Vec<(usize, &str)> = found.iter().map(|s| (s.table, &*s.product)).collect();
    assert_eq!(
        order,
        [(0, "ECS"), (0, "SLB"), (1, "RDS"), (1, "ecs"), (2, "ECS")]
    );
    assert_eq!(found.len(), 5);
    assert!(!found.is_empty());
    assert!(Sources::default().is_empty());
    assert_eq!(found[(1, "RDS")].base.amount, d("3"));
    assert_eq!(
        found.get(1, "ECS"),
        None,
        "ECS is billed in tables 0 and 2 only"
    );
    assert_eq!(found.get(3, "ECS"), None);
    // The same groups in any order come out the same.
    let unordered: Vec<Source> = found.iter().rev().cloned().collect();
    assert_eq!(Sources::from_unordered(unordered), found);
    // A second group of a (table, product) replaces the first and hands it back.
    let replaced = found.insert(0, "SLB".into(), group("9", 1, 30));
    assert_eq!(replaced.unwrap().base.amount, d("2"));
    assert_eq!(found[(0, "SLB")].base.amount, d("9"));
    assert_eq!(found.len(), 5);
    assert_eq!(found.groups().count(), 5);
    // Taken apart, in order.
    let products: Vec<String> = found.into_iter().map(|s| s.product.to_string()).collect();
    assert_eq!(products, ["ECS", "SLB", "RDS", "ecs", "ECS"]);
}

#[test]
fn absorbing_sources_merges_as_the_map_did() {
    // (what a bucket holds, what it absorbs, the table offset): a later file appended;
    // segments of one period (offset 0) with the same and with interleaved keys; empty
    // either side.
    let one: &[Row<'_>] = &[
        (0, "ECS", "1.5", 2, 2),
        (0, "RDS", "2", 1, 7),
        (1, "OSS", "3", 1, 9),
    ];
    let other: &[Row<'_>] = &[
        (0, "CDN", "4", 1, 3),
        (0, "RDS", "0.25", 2, 8),
        (1, "ECS", "1", 1, 1),
        (2, "ECS", "2", 1, 4),
    ];
    // The first group absorbed has the last held group's key: merged, not appended.
    let after: &[Row<'_>] = &[(1, "OSS", "1", 1, 10), (2, "ECS", "1", 1, 11)];
    let cases: [(&[Row<'_>], &[Row<'_>], usize); 7] = [
        (one, after, 0),
        (one, other, 2),
        (one, other, 0),
        (one, one, 0),
        (one, &[], 0),
        (&[], other, 5),
        (other, one, 1),
    ];
    for (held, absorbed, offset) in cases {
        let mut bucket = Bucket {
            weighted_base: d("1"),
            sources: sources(held),
        };
        let incoming = Bucket {
            weighted_base: d("2"),
            sources: sources(absorbed),
        };
        bucket.absorb(incoming, offset).unwrap();
        assert_eq!(bucket.weighted_base, d("3"));
        let merged: Vec<((usize, String), SourceGroup)> = bucket
            .sources
            .iter()
            .map(|s| ((s.table, s.product.to_string()), s.group.clone()))
            .collect();
        let expected: Vec<_> = reference(&[(held, 0), (absorbed, offset)])
            .into_iter()
            .collect();
        assert_eq!(merged, expected, "{held:?} + {absorbed:?} at {offset}");
    }
    // The merged group of one case, worked: rows 7 and 8-9 meet, sums add.
    let mut bucket = Bucket {
        weighted_base: Decimal::ZERO,
        sources: sources(one),
    };
    let incoming = Bucket {
        weighted_base: Decimal::ZERO,
        sources: sources(other),
    };
    bucket.absorb(incoming, 0).unwrap();
    let rds = &bucket.sources[(0, "RDS")];
    assert_eq!(rds.rows.to_string(), "7-9");
    assert_eq!((rds.base.rows, rds.base.amount), (3, d("2.25")));
    assert_eq!(rds.weighted_base, d("1.125"));
}
