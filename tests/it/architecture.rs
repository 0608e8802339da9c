//! The shape of the source tree (docs/ARCHITECTURE.md): imports run one way, between
//! layers and between files.
//!
//! Every `crate::…`, `super::…` and `self::…` path in `src/` (outside `#[cfg(test)]`
//! modules and comments), and every path that starts with a child module a file declares,
//! is resolved to the file that defines its module. Two rules follow:
//!
//! 1. a file of a layer imports only its own layer and the layers the table below allows;
//! 2. no file imports, directly or through others, a file that imports it back — a
//!    module's `mod.rs` that uses its children and a child that uses `super::` items of
//!    that `mod.rs` is such a cycle too.
//!
//! Declaring a child module (`mod x;`) is not an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the layers it may import (itself always).
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("ruleset", &["domain"]),
    ("ingest", &["domain", "ruleset"]),
    ("attribute", &["domain", "ruleset", "ingest"]),
    ("compute", &["domain", "ruleset", "ingest", "attribute"]),
    (
        "reconcile",
        &["domain", "ruleset", "ingest", "attribute", "compute"],
    ),
    ("baseline", &["domain"]),
    ("report", &["domain"]),
    ("store", &["domain"]),
    (
        "app",
        &[
            "domain",
            "ruleset",
            "ingest",
            "attribute",
            "compute",
            "reconcile",
            "baseline",
            "report",
            "store",
        ],
    ),
];

/// A module path (`["report", "html"]`; the crate root is `[]`) and its file.
#[derive(Debug)]
struct Module {
    path: Vec<String>,
    file: PathBuf,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn modules() -> Vec<Module> {
    fn walk(folder: &Path, prefix: &[String], modules: &mut Vec<Module>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_stem().unwrap().to_string_lossy().into_owned();
            if entry.is_dir() {
                let mut path = prefix.to_vec();
                path.push(name);
                walk(&entry, &path, modules);
            } else if entry.extension().is_some_and(|extension| extension == "rs") {
                let mut path = prefix.to_vec();
                if !(name == "mod" || (prefix.is_empty() && (name == "lib" || name == "main"))) {
                    path.push(name.clone());
                }
                if prefix.is_empty() && name == "main" {
                    continue; // the binary: a crate of its own
                }
                modules.push(Module { path, file: entry });
            }
        }
    }
    let mut modules = Vec::new();
    walk(&src(), &[], &mut modules);
    modules
}

/// The source without comments, string literals and `#[cfg(test)]` items.
fn code_of(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let rest = &text[index..];
        if rest.starts_with("//") {
            index += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            index += rest.find("*/").map_or(rest.len(), |end| end + 2);
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].bytes().take_while(|byte| *byte == b'#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let body = 2 + hashes;
            index += rest[body..]
                .find(&close)
                .map_or(rest.len(), |end| body + end + close.len());
            code.push_str("\"\"");
        } else if rest.starts_with('"') {
            let mut end = 1;
            while end < rest.len() {
                match rest.as_bytes()[end] {
                    b'\\' => end += 2,
                    b'"' => break,
                    _ => end += 1,
                }
            }
            index += end + 1;
            code.push_str("\"\"");
        } else if rest.starts_with("'\"'") {
            index += 3;
        } else if rest.starts_with("#[cfg(test)]") {
            // Skips the attribute and the item it guards, up to its closing brace or `;`.
            let mut depth = 0usize;
            let mut end = "#[cfg(test)]".len();
            let item = &rest.as_bytes()[end..];
            for (offset, byte) in item.iter().enumerate() {
                match byte {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            end += offset + 1;
                            break;
                        }
                    }
                    b';' if depth == 0 => {
                        end += offset + 1;
                        break;
                    }
                    _ => {}
                }
            }
            index += end;
        } else {
            let character = rest.chars().next().unwrap();
            code.push(character);
            index += character.len_utf8();
        }
    }
    code
}

/// Every path a file names, as segments: use trees expanded, inline paths as written.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    // `use` declarations, braces expanded.
    let mut rest = code;
    while let Some(start) = find_word(rest, "use") {
        let after = &rest[start + 3..];
        let end = after.find(';').unwrap_or(after.len());
        expand(after[..end].trim(), &mut Vec::new(), &mut paths);
        rest = &after[end..];
    }
    // Inline paths: `crate::a::b`, `super::x`, `self::y`.
    let words: Vec<char> = code.chars().collect();
    let text: String = words.iter().collect();
    for root in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(found) = text[from..].find(root) {
            let start = from + found;
            from = start + root.len();
            let before = text[..start].chars().last();
            if before.is_some_and(|character| {
                character.is_alphanumeric() || character == '_' || character == ':'
            }) {
                continue;
            }
            let segment_end = text[start..]
                .find(|character: char| {
                    !(character.is_alphanumeric() || character == '_' || character == ':')
                })
                .map_or(text.len(), |end| start + end);
            let path: Vec<String> = text[start..segment_end]
                .split("::")
                .filter(|segment| !segment.is_empty())
                .map(str::to_string)
                .collect();
            paths.push(path);
        }
    }
    paths
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let start = from + found;
        let before = text[..start].chars().last();
        let after = text[start + word.len()..].chars().next();
        let boundary = |character: Option<char>| {
            character.is_none_or(|character| !(character.is_alphanumeric() || character == '_'))
        };
        if boundary(before) && boundary(after) && after == Some(' ') {
            return Some(start);
        }
        from = start + word.len();
    }
    None
}

/// Expands a use tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if tree.is_empty() {
        return;
    }
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim_end_matches("::").trim();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let pushed: Vec<String> = head
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let depth = prefix.len();
        prefix.extend(pushed);
        for part in split_top(inner) {
            expand(part, prefix, out);
        }
        prefix.truncate(depth);
    } else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        let mut full = prefix.clone();
        full.extend(
            path.split("::")
                .filter(|s| !s.is_empty() && *s != "*")
                .map(str::to_string),
        );
        out.push(full);
    }
}

fn split_top(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (index, character) in text.char_indices() {
        match character {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The child modules a file declares (`mod x;`, `pub mod x;`).
fn children(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = code;
    while let Some(start) = find_word(rest, "mod") {
        let after = &rest[start + 4..];
        let name: String = after
            .chars()
            .take_while(|character| character.is_alphanumeric() || *character == '_')
            .collect();
        if after[name.len()..].trim_start().starts_with(';') {
            names.insert(name);
        }
        rest = after;
    }
    names
}

/// The module a path leads to: the longest prefix that is a module of the crate.
fn resolve(
    path: &[String],
    from: &[String],
    declared: &BTreeSet<String>,
    known: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut absolute: Vec<String> = match first.as_str() {
        "crate" => path[1..].to_vec(),
        "self" => from
            .iter()
            .cloned()
            .chain(path[1..].iter().cloned())
            .collect(),
        "super" => {
            let mut base = from.to_vec();
            let mut rest = path;
            while rest.first().is_some_and(|segment| segment == "super") {
                base.pop();
                rest = &rest[1..];
            }
            base.into_iter().chain(rest.iter().cloned()).collect()
        }
        name if declared.contains(name) => {
            from.iter().cloned().chain(path.iter().cloned()).collect()
        }
        _ => return None,
    };
    while !absolute.is_empty() && !known.contains(&absolute) {
        absolute.pop();
    }
    Some(absolute)
}

/// Each module (by path) and the modules it imports.
type Edges = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

/// Every file's imports, as module paths.
fn graph() -> (Vec<Module>, Edges) {
    let modules = modules();
    let known: BTreeSet<Vec<String>> = modules.iter().map(|module| module.path.clone()).collect();
    let mut edges = BTreeMap::new();
    for module in &modules {
        let code = code_of(&std::fs::read_to_string(&module.file).unwrap());
        let declared = children(&code);
        let mut targets = BTreeSet::new();
        for path in paths_in(&code) {
            if let Some(target) = resolve(&path, &module.path, &declared, &known)
                && target != module.path
                && !target.is_empty()
            {
                targets.insert(target);
            }
        }
        edges.insert(module.path.clone(), targets);
    }
    (modules, edges)
}

fn shown(path: &[String]) -> String {
    if path.is_empty() {
        "crate".into()
    } else {
        path.join("::")
    }
}

#[test]
fn every_layer_imports_only_the_layers_below_it() {
    let (modules, edges) = graph();
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for module in &modules {
        let Some(layer) = module.path.first() else {
            continue; // lib.rs declares the layers
        };
        let Some(below) = allowed.get(layer.as_str()) else {
            wrong.push(format!(
                "{}: a top-level module that is no layer of docs/ARCHITECTURE.md",
                shown(&module.path)
            ));
            continue;
        };
        for target in &edges[&module.path] {
            let other = target[0].as_str();
            if other != layer && !below.contains(&other) {
                wrong.push(format!(
                    "{} ({}) imports {}",
                    shown(&module.path),
                    module.file.strip_prefix(src()).unwrap().display(),
                    shown(target)
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_file_imports_a_file_that_imports_it_back() {
    let (_, edges) = graph();
    // Tarjan's strongly connected components; any with two or more files is a cycle.
    struct State<'a> {
        edges: &'a Edges,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        components: Vec<Vec<&'a Vec<String>>>,
    }
    fn visit<'a>(node: &'a Vec<String>, state: &mut State<'a>) {
        let next = state.index.len();
        state.index.insert(node, next);
        state.low.insert(node, next);
        state.stack.push(node);
        state.on_stack.insert(node);
        for target in state.edges.get(node).into_iter().flatten() {
            if !state.edges.contains_key(target) {
                continue;
            }
            if !state.index.contains_key(target) {
                visit(target, state);
                let low = state.low[node].min(state.low[target]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.low[node].min(state.index[target]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top);
                if top == node {
                    break;
                }
            }
            state.components.push(component);
        }
    }
    let mut state = State {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node) {
            visit(node, &mut state);
        }
    }
    let cycles: Vec<String> = state
        .components
        .iter()
        .filter(|component| component.len() > 1)
        .map(|component| {
            let mut names: Vec<String> = component.iter().map(|path| shown(path)).collect();
            names.sort();
            names.join(" ↔ ")
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "import cycles between files:\n{}",
        cycles.join("\n")
    );
}

/// Where the language of a sentence may be named: the reports, which word the sentences,
/// the application, which reads `--lang`, and the enum itself. Every other stage hands on
/// facts, never words.
const LANG_NAMED_IN: &[&str] = &["report/", "app/", "domain/lang.rs"];

/// The files outside [`LANG_NAMED_IN`] whose code names `Lang`.
fn files_naming_lang() -> Vec<String> {
    let mut files: Vec<PathBuf> = modules().into_iter().map(|module| module.file).collect();
    files.push(src().join("main.rs"));
    let mut naming = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(src())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if LANG_NAMED_IN
            .iter()
            .any(|allowed| relative.starts_with(allowed))
        {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        if names_word(&code, "Lang") {
            naming.push(relative);
        }
    }
    naming.sort();
    naming
}

/// Whether `word` appears in `code` as a whole identifier.
fn names_word(code: &str, word: &str) -> bool {
    let identifier = |character: char| character.is_alphanumeric() || character == '_';
    code.match_indices(word).any(|(start, _)| {
        let before = code[..start].chars().last();
        let after = code[start + word.len()..].chars().next();
        !before.is_some_and(identifier) && !after.is_some_and(identifier)
    })
}

#[test]
fn only_the_reports_and_the_application_name_the_language() {
    let naming = files_naming_lang();
    assert!(
        naming.is_empty(),
        "files that name `Lang` outside report/, app/ and domain/lang.rs (findings are facts; \
         report::i18n words them):\n{}",
        naming.join("\n")
    );
    assert!(names_word("fn f(lang: Lang) {}", "Lang"));
    assert!(!names_word("struct Language;", "Lang"));
    assert!(!names_word(
        &code_of("// Lang\nlet x = \"Lang\";\n#[cfg(test)]\nmod tests { use Lang; }\n"),
        "Lang"
    ));
}

#[test]
fn the_checker_sees_use_trees_inline_paths_and_child_modules() {
    let code = code_of(
        "use crate::a::{b::C, d::{e, f as g}};\nuse super::h::I;\nmod child;\n// crate::comment::X\nfn x() { crate::inline::Y::new(); \"crate::string\"; child::Z; }\n#[cfg(test)]\nmod tests { use crate::tested::T; }\n",
    );
    let paths: BTreeSet<String> = paths_in(&code).iter().map(|path| path.join("::")).collect();
    for expected in [
        "crate::a::b::C",
        "crate::a::d::e",
        "crate::a::d::f",
        "super::h::I",
        "crate::inline::Y::new",
    ] {
        assert!(paths.contains(expected), "{expected} not in {paths:?}");
    }
    assert!(
        !paths.iter().any(|path| path.contains("comment")
            || path.contains("string")
            || path.contains("tested")),
        "{paths:?}"
    );
    assert_eq!(children(&code), BTreeSet::from(["child".to_string()]));
    let known: BTreeSet<Vec<String>> = [
        vec!["a".to_string()],
        vec!["a".to_string(), "b".to_string()],
        vec!["m".to_string(), "child".to_string()],
    ]
    .into_iter()
    .collect();
    let from = vec!["m".to_string()];
    let declared = children(&code);
    let segments = |text: &str| text.split("::").map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        resolve(&segments("crate::a::b::C"), &from, &declared, &known),
        Some(segments("a::b"))
    );
    assert_eq!(
        resolve(&segments("child::Z"), &from, &declared, &known),
        Some(segments("m::child"))
    );
    assert_eq!(
        resolve(&segments("std::fmt"), &from, &declared, &known),
        None
    );
}
