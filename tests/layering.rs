//! The dependency rule of `src/lib.rs`, checked on the source itself: every path a module names
//! (`use`, a qualified call, a type) is resolved to the module it points into, and
//!
//! - no module imports from a layer above its own (or from a layer it is not allowed to use);
//! - `api` takes from `db` nothing but the connection types;
//! - no two modules import each other, directly or round a longer circle (a module's use of the
//!   modules it contains is not counted: that is containment).
//!
//! The source is parsed with `syn`, so a path inside a string or a comment does not count.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The layer of a top-level module, and the layers each may use (its own included).
fn layer_of(top: &str) -> Option<&'static str> {
    Some(match top {
        "main" | "startup" | "cli" => "entry",
        "api" | "web" => "http",
        "service" | "report" => "services",
        "db" => "storage",
        "config" | "telemetry" => "settings",
        "domain" => "rules",
        _ => return None,
    })
}

fn may_use(from: &str, to: &str) -> bool {
    let allowed: &[&str] = match from {
        "entry" => &["entry", "http", "services", "storage", "settings", "rules"],
        "http" => &["http", "services", "storage", "settings", "rules"],
        "services" => &["services", "storage", "settings", "rules"],
        "storage" => &["storage", "rules"],
        "settings" => &["settings", "rules"],
        "rules" => &["rules"],
        _ => &[],
    };
    allowed.contains(&to)
}

/// What the HTTP layer may take from `db`: the connection and the pool it runs on.
const DB_ITEMS_FOR_HTTP: [&str; 3] = ["Database", "DbConnection", "Lease"];

/// A reference from one module to an item of another, with where it was found.
#[derive(Debug, Clone)]
struct Reference {
    from: Vec<String>,
    target: Vec<String>,
    file: PathBuf,
}

struct Collector<'a> {
    file: &'a Path,
    module: Vec<String>,
    /// Child modules of each module (from files and inline `mod` blocks), for relative paths.
    known: &'a BTreeSet<Vec<String>>,
    found: Vec<Reference>,
}

impl Collector<'_> {
    fn resolve(&self, segments: &[String]) -> Option<Vec<String>> {
        let first = segments.first()?;
        let mut base: Vec<String> = match first.as_str() {
            "crate" | "quotamonitor" => Vec::new(),
            "self" => self.module.clone(),
            "super" => {
                let mut base = self.module.clone();
                let mut rest = segments;
                while rest.first().map(String::as_str) == Some("super") {
                    base.pop();
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                return Some(base);
            }
            name => {
                let mut child = self.module.clone();
                child.push(name.to_string());
                if self.known.contains(&child) {
                    self.module.clone()
                } else {
                    return None;
                }
            }
        };
        let skip = usize::from(matches!(first.as_str(), "crate" | "quotamonitor" | "self"));
        base.extend(segments[skip..].iter().cloned());
        Some(base)
    }

    fn record(&mut self, segments: Vec<String>) {
        if let Some(target) = self.resolve(&segments) {
            self.found.push(Reference {
                from: self.module.clone(),
                target,
                file: self.file.to_path_buf(),
            });
        }
    }

    fn use_tree(&mut self, prefix: Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                let mut next = prefix;
                next.push(path.ident.to_string());
                self.use_tree(next, &path.tree);
            }
            syn::UseTree::Name(name) => {
                let mut next = prefix;
                if name.ident != "self" {
                    next.push(name.ident.to_string());
                }
                self.record(next);
            }
            syn::UseTree::Rename(rename) => {
                let mut next = prefix;
                next.push(rename.ident.to_string());
                self.record(next);
            }
            syn::UseTree::Glob(_) => self.record(prefix),
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.use_tree(prefix.clone(), item);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1 {
            let segments = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.record(segments);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_some() {
            self.module.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.module.pop();
        }
    }
}

fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().map(String::as_str) == Some("mod") || parts == ["lib"] {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn inline_modules(prefix: &[String], items: &[syn::Item], out: &mut BTreeSet<Vec<String>>) {
    for item in items {
        if let syn::Item::Mod(module) = item {
            let mut path = prefix.to_vec();
            path.push(module.ident.to_string());
            if let Some((_, inner)) = &module.content {
                inline_modules(&path, inner, out);
            }
            out.insert(path);
        }
    }
}

/// Every reference between modules of `src/`, with the set of known modules.
fn references(src: &Path) -> (Vec<Reference>, BTreeSet<Vec<String>>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let parsed: Vec<(PathBuf, Vec<String>, syn::File)> = files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let ast = syn::parse_file(&text)
                .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
            let module = module_of(src, &file);
            (file, module, ast)
        })
        .collect();
    let mut known = BTreeSet::new();
    for (_, module, ast) in &parsed {
        known.insert(module.clone());
        inline_modules(module, &ast.items, &mut known);
    }
    let mut found = Vec::new();
    for (file, module, ast) in &parsed {
        let mut collector = Collector {
            file,
            module: module.clone(),
            known: &known,
            found: Vec::new(),
        };
        collector.visit_file(ast);
        found.extend(collector.found);
    }
    (found, known)
}

/// The module a path points into: its longest prefix that is a known module.
fn target_module(target: &[String], known: &BTreeSet<Vec<String>>) -> Vec<String> {
    (0..=target.len())
        .rev()
        .map(|n| target[..n].to_vec())
        .find(|prefix| known.contains(prefix))
        .unwrap_or_default()
}

fn is_test_module(module: &[String]) -> bool {
    module.iter().any(|m| m == "tests")
}

/// The rule broken by one reference, if any.
fn violation(reference: &Reference, known: &BTreeSet<Vec<String>>) -> Option<String> {
    let from_top = reference.from.first()?;
    let module = target_module(&reference.target, known);
    // The crate root holds the module list and the exported macros only.
    let to_top = module.first()?;
    let (from_layer, to_layer) = (layer_of(from_top)?, layer_of(to_top)?);
    let shown = format!(
        "{} ({}) uses {}",
        reference.from.join("::"),
        reference.file.display(),
        reference.target.join("::")
    );
    if !may_use(from_layer, to_layer) {
        return Some(format!(
            "{shown}: the {from_layer} layer may not use the {to_layer} layer"
        ));
    }
    if from_layer == "http" && to_top == "db" {
        let item = reference.target.get(module.len()).map(String::as_str);
        let allowed = module.len() == 1 && item.is_some_and(|i| DB_ITEMS_FOR_HTTP.contains(&i));
        if !allowed {
            return Some(format!(
                "{shown}: the HTTP layer reaches the database through services; from db it may \
                 take only {DB_ITEMS_FOR_HTTP:?}"
            ));
        }
    }
    None
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let (references, known) = references(&src_dir());
    for top in known.iter().filter(|m| m.len() == 1) {
        assert!(
            layer_of(&top[0]).is_some(),
            "module {} has no layer: add it to layer_of() here and to the table in src/lib.rs",
            top[0]
        );
    }
    let broken: BTreeSet<String> = references
        .iter()
        .filter_map(|r| violation(r, &known))
        .collect();
    assert!(
        broken.is_empty(),
        "imports against the dependency rule:\n{}",
        broken.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// A file that does several things is split at its seams before it grows past this.
const MAX_LINES: usize = 500;

#[test]
fn no_source_file_is_longer_than_500_lines() {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).unwrap().lines().count();
            (lines > MAX_LINES).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these at their seams: {long:?}");
}

#[test]
fn no_two_modules_import_each_other() {
    let (references, known) = references(&src_dir());
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for reference in &references {
        if is_test_module(&reference.from) {
            continue;
        }
        let to = target_module(&reference.target, &known);
        // A module using what it contains (`mod` children, re-exports of them) is containment,
        // not an import between peers; a child using its parent is an edge like any other.
        if to.is_empty() || to.starts_with(&reference.from) {
            continue;
        }
        graph.entry(reference.from.clone()).or_default().insert(to);
    }
    let circles = circles(&graph);
    assert!(
        circles.is_empty(),
        "import circles between modules:\n{}",
        circles
            .iter()
            .map(|c| c
                .iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(" -> "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The strongly connected components of more than one module (Tarjan).
fn circles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    struct Search<'g> {
        graph: &'g BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        on_stack: BTreeSet<&'g Vec<String>>,
        found: Vec<Vec<Vec<String>>>,
    }
    impl<'g> Search<'g> {
        fn visit(&mut self, node: &'g Vec<String>) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.graph.get(node).into_iter().flatten() {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(top);
                    component.push(top.clone());
                    if top == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut search = Search {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !search.index.contains_key(node) {
            search.visit(node);
        }
    }
    search.found
}

#[test]
fn the_checker_sees_an_upward_import_and_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("domain")).unwrap();
    std::fs::create_dir_all(src.join("db")).unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod domain; pub mod db;").unwrap();
    std::fs::write(src.join("domain/mod.rs"), "pub mod a; pub mod b;").unwrap();
    std::fs::write(
        src.join("domain/a.rs"),
        "use crate::db::Thing; use super::b::B; pub struct A;",
    )
    .unwrap();
    std::fs::write(src.join("domain/b.rs"), "pub struct B(super::a::A);").unwrap();
    std::fs::write(src.join("db/mod.rs"), "pub struct Thing;").unwrap();
    let (references, known) = references(src);
    let broken: Vec<String> = references
        .iter()
        .filter_map(|r| violation(r, &known))
        .collect();
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(broken[0].contains("the rules layer may not use the storage layer"));
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for r in &references {
        graph
            .entry(r.from.clone())
            .or_default()
            .insert(target_module(&r.target, &known));
    }
    let found = circles(&graph);
    assert_eq!(
        found,
        vec![vec![
            vec!["domain".to_string(), "a".to_string()],
            vec!["domain".to_string(), "b".to_string()]
        ]]
    );
}
