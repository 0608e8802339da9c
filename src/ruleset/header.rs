//! How header names compare, in rulesets and in every table the auditor reads.

/// How headers are compared: case, white space and underscores do not matter.
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .filter(|character| !character.is_whitespace() && *character != '_')
        .flat_map(char::to_lowercase)
        .collect()
}
