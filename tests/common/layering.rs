//! A crate's modules sit in layers, and each may use only the layers below its own: never a module of its
//! own layer (a sibling) nor one above. [`check`] reads the `use` lines and the `crate::…` / `super::…`
//! paths of every file in a crate's `src/` (no compiler help: a path is what the text says), resolves each
//! to the module it names, and checks every such import against the crate's table of layers. It also fails
//! on any import cycle, and on a module missing from the table, so that a new module has to be placed.
//!
//! Shared by the library's `tests/layers.rs` and the emulator's `emulator/tests/layers.rs`, each with its
//! own table. `LAYERS_PRINT=1` prints the module graph.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A layer: its name, and its modules by path (`flows::sign_in`; `crate` for the root, `main` for a binary).
pub type Layer = (&'static str, &'static [&'static str]);

/// `src/a/b.rs` → `a::b`, `src/a/mod.rs` → `a`, `src/lib.rs` → `crate`, `src/main.rs` → `main`.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    match last.as_str() {
        "lib.rs" if parts.is_empty() => return "crate".into(),
        "main.rs" if parts.is_empty() => return "main".into(),
        "mod.rs" => {}
        name => parts.push(name.trim_end_matches(".rs").to_owned()),
    }
    parts.join("::")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable src dir") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The code without comments, string and char literals (each replaced by a space), so that a path
/// mentioned in a doc comment or a message is not taken for an import.
pub fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !ident_char_before(&chars, i)
        {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push(' ');
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}'), else a lifetime.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push(' ');
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push(' ');
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Path,
    Punct(char),
}

fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(Token::Path);
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(Token::Punct(c));
            }
            i += 1;
        }
    }
    out
}

/// Every path the file names that starts at `crate`, `super`, `self`, the library's name (in main.rs) or
/// a child module of the file's own module, as absolute module paths (`ops::admin::pool_not_found`).
/// `use` trees are expanded (`use crate::{a, b::c}` names `a` and `b::c`).
pub fn paths_named(
    module: &str,
    crate_name: &str,
    children: &BTreeSet<String>,
    code: &str,
) -> Vec<Vec<String>> {
    let tokens = tokens(code);
    let mut found = Vec::new();
    // Inline modules (`mod tests { … }`) open a scope that `super` leaves.
    let mut scope: Vec<String> = if module == "crate" || module == "main" {
        Vec::new()
    } else {
        module.split("::").map(str::to_owned).collect()
    };
    let mut inline_opened: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct('{') => {
                depth += 1;
                i += 1;
            }
            Token::Punct('}') => {
                if inline_opened.last() == Some(&depth) {
                    inline_opened.pop();
                    scope.pop();
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some(Token::Ident(name)), Some(Token::Punct('{'))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    scope.push(name.clone());
                    depth += 1;
                    inline_opened.push(depth);
                    i += 3;
                } else {
                    i += 1;
                }
            }
            Token::Ident(word) if word == "use" => {
                let mut j = i + 1;
                let mut prefixes = Vec::new();
                use_tree(&tokens, &mut j, Vec::new(), &mut prefixes);
                for path in prefixes {
                    if let Some(absolute) = resolve(&scope, module, crate_name, children, &path) {
                        found.push(absolute);
                    }
                }
                i = j;
            }
            Token::Ident(first) if tokens.get(i + 1) == Some(&Token::Path) => {
                let preceded_by_path = i > 0 && tokens[i - 1] == Token::Path;
                let mut path = vec![first.clone()];
                let mut j = i + 1;
                while tokens.get(j) == Some(&Token::Path) {
                    match tokens.get(j + 1) {
                        Some(Token::Ident(segment)) => {
                            path.push(segment.clone());
                            j += 2;
                        }
                        _ => break,
                    }
                }
                if !preceded_by_path {
                    if let Some(absolute) = resolve(&scope, module, crate_name, children, &path) {
                        found.push(absolute);
                    }
                }
                i = j.max(i + 1);
            }
            _ => i += 1,
        }
    }
    found
}

/// Reads one use tree from `tokens[*at]` up to its end (`;`, `,` or `}` at its level).
fn use_tree(tokens: &[Token], at: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        match tokens.get(*at) {
            Some(Token::Ident(segment)) => {
                path.push(segment.clone());
                *at += 1;
            }
            Some(Token::Path) => *at += 1,
            Some(Token::Punct('{')) => {
                *at += 1;
                loop {
                    use_tree(tokens, at, path.clone(), out);
                    match tokens.get(*at) {
                        Some(Token::Punct(',')) => *at += 1,
                        Some(Token::Punct('}')) => {
                            *at += 1;
                            return;
                        }
                        _ => return,
                    }
                    if tokens.get(*at) == Some(&Token::Punct('}')) {
                        *at += 1;
                        return;
                    }
                }
            }
            Some(Token::Punct('*')) => *at += 1,
            _ => {
                // `as alias` ends the path; `{self, …}` names the module itself.
                if let Some(pos) = path.iter().position(|s| s == "as") {
                    path.truncate(pos);
                }
                if path.last().is_some_and(|s| s == "self") {
                    path.pop();
                }
                out.push(path);
                return;
            }
        }
    }
}

/// The absolute path (without `crate`) a path names, if it is one of this crate's.
fn resolve(
    scope: &[String],
    module: &str,
    crate_name: &str,
    children: &BTreeSet<String>,
    path: &[String],
) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut base: Vec<String> = scope.to_vec();
    let mut rest = path;
    match first.as_str() {
        "crate" => {
            if module == "main" {
                return None;
            }
            base.clear();
            rest = &path[1..];
        }
        name if module == "main" && name == crate_name => {
            base.clear();
            rest = &path[1..];
        }
        "super" => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        "self" => rest = &path[1..],
        name if children.contains(name) => {}
        // Anything else is another crate, a type (`Self::`, `Vec::`) or a local item.
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The module an absolute path lands in: its longest prefix that is a module (`crate` for the root).
fn target_module(modules: &BTreeSet<String>, path: &[String]) -> String {
    for len in (1..=path.len()).rev() {
        let candidate = path[..len].join("::");
        if modules.contains(&candidate) {
            return candidate;
        }
    }
    "crate".into()
}

/// Who imports whom: file module → modules it names (itself, its inline modules and its own children
/// excluded only when they are itself).
/// `module`, or its parent when `module` is one of `parts`.
fn folded(parts: &[&str], module: String) -> String {
    match module.rsplit_once("::") {
        Some((parent, _)) if parts.contains(&module.as_str()) => parent.to_owned(),
        _ => module,
    }
}

fn graph(src: &Path, crate_name: &str, parts: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    let mut edges = BTreeMap::new();
    for file in &files {
        let module = module_of(src, file);
        let prefix = if module == "crate" || module == "main" {
            String::new()
        } else {
            format!("{module}::")
        };
        let children: BTreeSet<String> = modules
            .iter()
            .filter(|m| *m != "crate" && *m != "main")
            .filter_map(|m| m.strip_prefix(&prefix))
            .filter(|rest| !rest.is_empty() && !rest.contains("::"))
            .map(str::to_owned)
            .collect();
        let text = fs::read_to_string(file).expect("readable source");
        let node = folded(parts, module.clone());
        let targets: &mut BTreeSet<String> = edges.entry(node.clone()).or_default();
        for path in paths_named(&module, crate_name, &children, &code_only(&text)) {
            let target = folded(parts, target_module(&modules, &path));
            if target != node {
                targets.insert(target);
            }
        }
    }
    edges
}

fn layer_of(layers: &[Layer], module: &str) -> Option<usize> {
    layers
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// Every cycle's modules (strongly connected components of more than one module).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: order by finish time, then collect components on the reversed graph.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<String>,
        order: &mut Vec<String>,
    ) {
        if !seen.insert(node.to_owned()) {
            return;
        }
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, seen, order);
        }
        order.push(node.to_owned());
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for node in edges.keys() {
        visit(node, edges, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in edges {
        for to in tos {
            reversed.entry(to.clone()).or_default().insert(from.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut components = Vec::new();
    for node in order.iter().rev() {
        let mut component = Vec::new();
        visit(node, &reversed, &mut assigned, &mut component);
        if component.len() > 1 {
            component.sort();
            components.push(component);
        }
    }
    components
}

/// What breaks the layering of the crate whose sources are in `src`; empty when nothing does. `parts` are
/// child modules that only carry part of their parent's own type (an `impl` split off by target or by
/// cargo feature): they count as their parent.
pub fn check(src: &Path, crate_name: &str, layers: &[Layer], parts: &[&str]) -> Vec<String> {
    let edges = graph(src, crate_name, parts);
    if std::env::var_os("LAYERS_PRINT").is_some() {
        for (module, targets) in &edges {
            let layer = layer_of(layers, module).map_or("?", |l| layers[l].0);
            let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
            println!("{module} [{layer}] -> {}", targets.join(", "));
        }
    }
    let mut problems = Vec::new();
    for module in edges.keys() {
        if layer_of(layers, module).is_none() {
            problems.push(format!("{module} is in no layer of LAYERS"));
        }
    }
    for (_, modules) in layers {
        for module in *modules {
            if !edges.contains_key(*module) {
                problems.push(format!("LAYERS names {module}, which has no file"));
            }
        }
    }
    for (from, targets) in &edges {
        let Some(from_layer) = layer_of(layers, from) else {
            continue;
        };
        for to in targets {
            let Some(to_layer) = layer_of(layers, to) else {
                continue;
            };
            if to_layer >= from_layer {
                let relation = if to_layer == from_layer {
                    "its own layer"
                } else {
                    "a higher layer"
                };
                problems.push(format!(
                    "{from} ({}) imports {to}, of {relation} ({})",
                    layers[from_layer].0, layers[to_layer].0
                ));
            }
        }
    }
    for cycle in cycles(&edges) {
        problems.push(format!("import cycle: {}", cycle.join(", ")));
    }
    problems
}
