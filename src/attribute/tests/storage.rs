//! The compact stores of the sixth round: the dense coefficient table and row ranges held
//! in place, each against a small worked table.

use super::super::coefficients::{Coefficient, Coefficients};
use super::*;

/// Row ranges as written in a worked table.
type Ranges<'t> = &'t [(u32, u32)];

fn coefficient(value: &str, known: bool, amended: bool) -> Coefficient {
    Coefficient {
        value: d(value),
        known,
        amended,
    }
}

#[test]
fn the_coefficient_table_gives_back_each_pair_as_kept() {
    // Three contracts; product numbers as an interner gives them (accounts and currencies
    // take numbers too, so a product's number can be large).
    let mut table = Coefficients::new(3);
    assert_eq!(table.get(0, 0), None, "nothing kept yet");
    let kept = [
        (0, 7, coefficient("0.5", true, false)),
        (2, 7, coefficient("1", false, false)),
        (1, 0, coefficient("0.50", true, false)),
        (1, 7, coefficient("0.5", true, true)),
        (2, 0, coefficient("0.5", true, false)),
    ];
    for &(contract, product, value) in &kept {
        table.insert(contract, product, value);
    }
    for &(contract, product, value) in &kept {
        let found = table.get(contract, product).unwrap();
        assert_eq!(found, value, "contract {contract}, product {product}");
        // The scale stays as found: 0.50 is shown as 0.50.
        assert_eq!(found.value.to_string(), value.value.to_string());
    }
    // Pairs never kept, also of products and contracts that have others.
    for (contract, product) in [(0, 0), (1, 1), (2, 8), (0, 6), (0, 1000)] {
        assert_eq!(
            table.get(contract, product),
            None,
            "({contract}, {product})"
        );
    }
}

#[test]
fn the_coefficient_table_keeps_its_pairs_as_it_widens_and_past_its_width() {
    // 70 products over 2 contracts: the table widens 4 → 8 → … → 64 slots per contract,
    // and the products after the 64th go to the map beside it.
    let mut table = Coefficients::new(2);
    let value = |contract: usize, product: u32| {
        coefficient(
            &format!("{}.{}", contract + 1, product),
            product.is_multiple_of(3),
            product.is_multiple_of(5),
        )
    };
    for product in 0..70u32 {
        // Products numbered with gaps, in no particular order.
        let number = (product * 37) % 101;
        table.insert(1, number, value(1, number));
        table.insert(0, number, value(0, number));
        for earlier in 0..=product {
            let number = (earlier * 37) % 101;
            assert_eq!(table.get(0, number), Some(value(0, number)));
            assert_eq!(table.get(1, number), Some(value(1, number)));
        }
    }
    assert_eq!(table.get(0, 101), None, "numbers run 0..=100");
    // A product met early, kept for another contract once the table is wide: it goes to
    // its old slot, and the table keeps its width and every other pair.
    let mut table = Coefficients::new(3);
    for product in 0..10u32 {
        table.insert(0, product, value(0, product));
    }
    table.insert(2, 1, value(2, 1));
    assert_eq!(table.get(2, 1), Some(value(2, 1)));
    for product in 0..10u32 {
        assert_eq!(table.get(0, product), Some(value(0, product)));
    }
}

#[test]
fn row_ranges_held_in_place_read_and_compare_as_a_list() {
    // Ranges as given → shown; up to two are held in place, more in a list.
    let table: [(Ranges, bool, &str); 5] = [
        (&[], false, ""),
        (&[(5, 5)], false, "5"),
        (&[(2, 4), (7, 7)], false, "2-4, 7"),
        (&[(2, 4), (7, 7), (9, 10)], false, "2-4, 7, 9-10"),
        (&[(2, 4), (7, 7)], true, "2-4, 7, …"),
    ];
    for (ranges, truncated, shown) in table {
        let parts = RowRanges::from_parts(ranges, truncated);
        assert_eq!(parts.to_string(), shown);
        // Pushing the same rows one by one gives an equal value (a third range moves
        // the ranges from in place to a list, which changes nothing read).
        let mut pushed = RowRanges::default();
        for &(first, last) in ranges {
            for row in first..=last {
                pushed.push(row as usize);
            }
        }
        assert_eq!(pushed == parts, !truncated, "{shown}");
        assert_eq!(pushed.to_string() == shown, !truncated, "{shown}");
    }
    assert_ne!(
        RowRanges::from_parts(&[(2, 4)], false),
        RowRanges::from_parts(&[(2, 5)], false)
    );
    assert_ne!(
        RowRanges::from_parts(&[(2, 4), (7, 7), (9, 9)], false),
        RowRanges::from_parts(&[(2, 4), (7, 7), (9, 10)], false)
    );
}

#[test]
fn merging_ranges_held_in_place_moves_them_to_a_list_as_needed() {
    // Two files' ranges merged in file order: (earlier, later) → shown.
    let table: [(Ranges, Ranges, &str); 4] = [
        (&[(2, 3)], &[(4, 6)], "2-6"),
        (&[(2, 3)], &[(9, 9)], "2-3, 9"),
        (&[(2, 3), (5, 5)], &[(9, 9), (12, 14)], "2-3, 5, 9, 12-14"),
        (&[(2, 3), (5, 5)], &[(6, 7), (9, 9)], "2-3, 5-7, 9"),
    ];
    for (earlier, later, shown) in table {
        let mut merged = RowRanges::from_parts(earlier, false);
        merged.merge(&RowRanges::from_parts(later, false));
        assert_eq!(merged.to_string(), shown);
    }
    // Still bounded: 12 ranges, then "…".
    let mut many = RowRanges::default();
    for row in 0..20u32 {
        many.merge(&RowRanges::from_parts(&[(row * 3, row * 3)], false));
    }
    assert_eq!(
        many.to_string(),
        "0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, …"
    );
}
