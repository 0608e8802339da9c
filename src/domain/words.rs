//! Words people type, matched as they mean them: case, full-width letters and digits,
//! spaces, underscores and hyphens do not matter (` Quarterly `, `ＱＵＡＲＴＥＲＬＹ`,
//! `contract year` and `contract_year` are the same word); and, for a word that matches
//! nothing, the closest known words to offer instead.

/// `word` as compared: full-width ASCII forms (`Ａ`–`ｚ`, `０`–`９`, `＿`, …) as their ASCII
/// letters, lower case, without white space (the ideographic space included), `_` or `-`.
pub fn fold(word: &str) -> String {
    word.chars()
        .map(|character| match character {
            // The full-width forms of ASCII sit 0xFEE0 above it (Ａ = U+FF21, A = U+0041).
            '\u{FF01}'..='\u{FF5E}' => {
                char::from_u32(u32::from(character) - 0xFEE0).unwrap_or(character)
            }
            other => other,
        })
        .filter(|character| !character.is_whitespace() && !matches!(character, '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether two words are the same once folded ([`fold`]).
pub fn same_word(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

/// The edit distance between two words counted in characters: insertions, deletions,
/// substitutions, and two neighbours swapped (`teirs` → `tiers` is one edit, as a typist
/// makes it).
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the optimal-string-alignment table: two back, one back, this one.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// How many edits still make a typo of a word of `length` characters: one for a short
/// word, two from six characters, three from eleven.
fn edits_allowed(length: usize) -> usize {
    match length {
        0 => 0,
        1..=5 => 1,
        6..=10 => 2,
        _ => 3,
    }
}

/// The known words closest to `word` (compared folded), at most three, best first and in
/// the order given among equals; none when nothing is near enough to be a typo of it (a
/// word that differs in every character is never offered).
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let typed = fold(word);
    let length = typed.chars().count();
    let allowed = edits_allowed(length);
    let mut near: Vec<(usize, String, &'a str)> = Vec::new();
    for candidate in known {
        let folded = fold(candidate);
        if folded == typed || near.iter().any(|(_, seen, _)| *seen == folded) {
            continue;
        }
        let edits = distance(&typed, &folded);
        if edits <= allowed && edits < length.max(folded.chars().count()) {
            near.push((edits, folded, candidate));
        }
    }
    // A stable sort: equals keep the order they were given in.
    near.sort_by_key(|(edits, _, _)| *edits);
    let best = near.first().map_or(0, |(edits, _, _)| *edits);
    near.into_iter()
        .filter(|(edits, _, _)| *edits == best)
        .take(3)
        .map(|(_, _, candidate)| candidate)
        .collect()
}

/// `; did you mean `x`?` (or `` `x` or `y` ``) for the suggestions, or nothing.
pub fn did_you_mean(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [only] => format!("; did you mean `{only}`?"),
        [first @ .., last] => format!(
            "; did you mean {} or `{last}`?",
            first
                .iter()
                .map(|word| format!("`{word}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_width_spaces_underscores_and_hyphens() {
        assert_eq!(fold(" Quarterly "), "quarterly");
        assert_eq!(fold("ＱＵＡＲＴＥＲＬＹ"), "quarterly");
        assert_eq!(fold("contract year"), "contractyear");
        assert_eq!(fold("contract_year"), "contractyear");
        assert_eq!(fold("VAT-special"), "vatspecial");
        assert_eq!(fold("季\u{3000}度"), "季度");
        assert_eq!(fold("ＲＤＳ１"), "rds1");
        assert!(same_word("Contract_Year", "contract year"));
        assert!(!same_word("monthly", "month"));
    }

    #[test]
    fn distance_counts_a_swap_of_neighbours_as_one_edit() {
        assert_eq!(distance("teirs", "tiers"), 1);
        assert_eq!(distance("rsd", "rds"), 1);
        assert_eq!(distance("ecss", "ecs"), 1);
        assert_eq!(distance("tiermod", "tiermode"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("季结", "季度"), 1);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn the_closest_words_are_offered_only_when_near_enough() {
        let known = ["rds", "ecs", "oss", "云服务器 ECS", "ECS"];
        assert_eq!(closest("rsd", known), ["rds"]);
        assert_eq!(closest("ecss", known), ["ecs"]);
        // Equally near words are all offered, in the order given.
        assert_eq!(closest("eds", known), ["rds", "ecs"]);
        // Nothing near: no suggestion rather than a random one.
        assert!(closest("quantum", known).is_empty());
        // A one-letter word is never "near" another one-letter word.
        assert!(closest("x", ["y"]).is_empty());
        // The word itself (in any spelling) is not a suggestion.
        assert!(closest("ＥＣＳ", ["ecs"]).is_empty());
        assert_eq!(closest("quartely", ["monthly", "quarterly"]), ["quarterly"]);
    }

    #[test]
    fn did_you_mean_lists_the_suggestions() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["rds"]), "; did you mean `rds`?");
        assert_eq!(
            did_you_mean(&["rds", "ecs", "eds"]),
            "; did you mean `rds`, `ecs` or `eds`?"
        );
    }
}
