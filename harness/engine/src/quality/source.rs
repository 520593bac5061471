//! The candidate's library sources read with syn: doc comments on public items, the longest function,
//! `unwrap()` / `expect()` calls and attributes that silence clippy or rustfmt, outside test code. Lines come from
//! proc-macro2's span locations.

use super::{Docs, Finding, Function, Location, Silencer, Tool, Uncounted};
use proc_macro2::Span;
use std::path::{Path, PathBuf};
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Attribute, Block, Expr, Ident, Meta, Signature, Token, Visibility};

/// What reading the library's sources found (test code is skipped).
#[derive(Debug, Default)]
pub struct Source {
    pub docs: Docs,
    pub longest_function: Option<Function>,
    pub unwraps: Vec<Finding>,
    pub silenced: Vec<Silencer>,
    /// Files that could not be read or parsed.
    pub notes: Vec<Uncounted>,
}

/// Reads the library's module tree from `crate_dir/src/lib.rs`, following `mod name;` declarations outside test code
/// (a test module in its own file is skipped like an inline one).
pub fn analyse(crate_dir: &Path) -> Source {
    let mut source = Source::default();
    let src = crate_dir.join("src");
    let mut pending = vec![(src.join("lib.rs"), src)];
    let mut seen = std::collections::BTreeSet::new();
    while let Some((path, module_dir)) = pending.pop() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let name = path.strip_prefix(crate_dir).unwrap_or(&path).to_string_lossy().into_owned();
        match std::fs::read_to_string(&path) {
            Ok(text) => match source.read(&name, &text, &module_dir) {
                Ok(children) => pending.extend(children.into_iter().rev()),
                Err(e) => source.notes.push(Uncounted::Unparsable { file: name, error: e.to_string() }),
            },
            Err(e) => source.notes.push(Uncounted::Unreadable { file: name, error: e.to_string() }),
        }
    }
    source
}

impl Source {
    /// Adds one file's findings; `file` names it in locations (`src/lib.rs`). Returns the files of the modules it
    /// declares (`mod name;`) that exist under `module_dir`, each with the folder of its own child modules.
    pub fn read(&mut self, file: &str, text: &str, module_dir: &Path) -> syn::Result<Vec<(PathBuf, PathBuf)>> {
        let parsed = syn::parse_file(text)?;
        let mut reader =
            Reader { file, source: self, function: None, module_dir: module_dir.to_path_buf(), children: Vec::new() };
        reader.visit_file(&parsed);
        Ok(reader.children)
    }
}

struct Reader<'a> {
    file: &'a str,
    source: &'a mut Source,
    /// The function being read, for naming where an `unwrap()` is.
    function: Option<String>,
    /// Where the files of modules declared here are (`src/` for `lib.rs`, `src/a/` inside `mod a`).
    module_dir: PathBuf,
    /// Module files declared with `mod name;`, and their own module folders.
    children: Vec<(PathBuf, PathBuf)>,
}

impl Reader<'_> {
    fn at(&self, span: Span) -> Location {
        Location { file: self.file.to_owned(), line: span.start().line }
    }

    /// Counts a `pub` item and whether it has a doc comment.
    fn public_item(&mut self, vis: &Visibility, attrs: &[Attribute], kind: &str, ident: &Ident) {
        if !matches!(vis, Visibility::Public(_)) {
            return;
        }
        self.source.docs.public += 1;
        if attrs.iter().any(|a| a.path().is_ident("doc")) {
            self.source.docs.documented += 1;
        } else {
            let location = self.at(ident.span());
            self.source
                .docs
                .missing
                .push(Finding { location, message: format!("pub {kind} `{ident}` has no doc comment") });
        }
    }

    /// Measures a function (from `fn` to its closing brace) and reads its body with its name as context.
    fn function(&mut self, sig: &Signature, block: &Block, read: impl FnOnce(&mut Self)) {
        let start = sig.fn_token.span.start().line;
        let lines = block.brace_token.span.close().end().line.saturating_sub(start) + 1;
        if self.source.longest_function.as_ref().is_none_or(|f| lines > f.lines) {
            let location = self.at(sig.ident.span());
            self.source.longest_function = Some(Function { name: sig.ident.to_string(), location, lines });
        }
        let outer = self.function.replace(sig.ident.to_string());
        read(self);
        self.function = outer;
    }
}

impl<'ast> Visit<'ast> for Reader<'_> {
    fn visit_item_mod(&mut self, node: &'ast syn::ItemMod) {
        if is_test(&node.attrs) {
            return;
        }
        let dir = self.module_dir.join(node.ident.to_string());
        if node.content.is_none() {
            let explicit = node.attrs.iter().find(|a| a.path().is_ident("path")).and_then(|a| match &a.meta {
                Meta::NameValue(nv) => match &nv.value {
                    Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(path), .. }) => {
                        Some(self.module_dir.join(path.value()))
                    }
                    _ => None,
                },
                _ => None,
            });
            let candidates = match explicit {
                Some(path) => vec![path],
                None => vec![self.module_dir.join(format!("{}.rs", node.ident)), dir.join("mod.rs")],
            };
            if let Some(file) = candidates.into_iter().find(|f| f.is_file()) {
                self.children.push((file, dir));
            }
            return;
        }
        let outer = std::mem::replace(&mut self.module_dir, dir);
        visit::visit_item_mod(self, node);
        self.module_dir = outer;
    }

    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        if !is_test(&node.attrs) {
            visit::visit_item_impl(self, node);
        }
    }

    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        if is_test(&node.attrs) {
            return;
        }
        self.public_item(&node.vis, &node.attrs, "fn", &node.sig.ident);
        self.function(&node.sig, &node.block, |r| visit::visit_item_fn(r, node));
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        if is_test(&node.attrs) {
            return;
        }
        self.public_item(&node.vis, &node.attrs, "fn", &node.sig.ident);
        self.function(&node.sig, &node.block, |r| visit::visit_impl_item_fn(r, node));
    }

    fn visit_trait_item_fn(&mut self, node: &'ast syn::TraitItemFn) {
        match &node.default {
            Some(block) => self.function(&node.sig, block, |r| visit::visit_trait_item_fn(r, node)),
            None => visit::visit_trait_item_fn(self, node),
        }
    }

    fn visit_item_struct(&mut self, node: &'ast syn::ItemStruct) {
        if !is_test(&node.attrs) {
            self.public_item(&node.vis, &node.attrs, "struct", &node.ident);
            visit::visit_item_struct(self, node);
        }
    }

    fn visit_item_enum(&mut self, node: &'ast syn::ItemEnum) {
        if !is_test(&node.attrs) {
            self.public_item(&node.vis, &node.attrs, "enum", &node.ident);
            visit::visit_item_enum(self, node);
        }
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        if !is_test(&node.attrs) {
            self.public_item(&node.vis, &node.attrs, "trait", &node.ident);
            visit::visit_item_trait(self, node);
        }
    }

    fn visit_expr_method_call(&mut self, node: &'ast syn::ExprMethodCall) {
        let method = node.method.to_string();
        if (method == "unwrap" && node.args.is_empty()) || (method == "expect" && node.args.len() == 1) {
            let place = self.function.as_ref().map_or_else(String::new, |f| format!(" in `{f}`"));
            let location = self.at(node.method.span());
            self.source.unwraps.push(Finding { location, message: format!("`.{method}()`{place}") });
        }
        visit::visit_expr_method_call(self, node);
    }

    fn visit_attribute(&mut self, node: &'ast Attribute) {
        if let Some(tool) = silenced_tool(&node.meta) {
            let location = self.at(node.pound_token.span);
            let meta = tidy_tokens(&quote::ToTokens::to_token_stream(&node.meta).to_string());
            let attribute = match node.style {
                syn::AttrStyle::Inner(_) => format!("#![{meta}]"),
                syn::AttrStyle::Outer => format!("#[{meta}]"),
            };
            self.source.silenced.push(Silencer { tool, location, attribute });
        }
        visit::visit_attribute(self, node);
    }

    /// Macro bodies are tokens to syn; most (`vec!`, `format!`, `assert!`) are comma-separated expressions.
    fn visit_macro(&mut self, node: &'ast syn::Macro) {
        if let Ok(exprs) = node.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
            for expr in &exprs {
                self.visit_expr(expr);
            }
        }
    }
}

/// The tool an attribute silences: `allow` / `expect` of a `clippy::` lint or of `warnings` (clippy's lints are
/// warnings too) keeps clippy quiet, `rustfmt::skip` keeps rustfmt away; inside `cfg_attr(…)` as well.
fn silenced_tool(meta: &Meta) -> Option<Tool> {
    let path = meta.path();
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    if segments == ["rustfmt", "skip"] {
        return Some(Tool::Rustfmt);
    }
    let Meta::List(list) = meta else { return None };
    let nested = || list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated).ok();
    if path.is_ident("cfg_attr") {
        // The first item is the condition; the rest are attributes.
        return nested()?.iter().skip(1).find_map(silenced_tool);
    }
    if !(path.is_ident("allow") || path.is_ident("expect")) {
        return None;
    }
    let quiets_clippy = |m: &Meta| {
        let p = m.path();
        p.is_ident("warnings") || p.segments.first().is_some_and(|s| s.ident == "clippy")
    };
    nested()?.iter().any(quiets_clippy).then_some(Tool::Clippy)
}

/// Token text as a person writes it: `allow (clippy :: all)` → `allow(clippy::all)`.
fn tidy_tokens(text: &str) -> String {
    text.replace(" :: ", "::").replace(" (", "(").replace("( ", "(").replace(" )", ")").replace(" ,", ",")
}

/// `#[test]`, `#[cfg(test)]` or `#[cfg(all(test, …))]`: code that only the test build compiles.
fn is_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("test") || (a.path().is_ident("cfg") && a.parse_args::<Meta>().is_ok_and(|m| cfg_is_test(&m)))
    })
}

fn cfg_is_test(meta: &Meta) -> bool {
    match meta {
        Meta::Path(path) => path.is_ident("test"),
        Meta::List(list) if list.path.is_ident("all") => list
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .is_ok_and(|all| all.iter().any(cfg_is_test)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Source {
        let mut source = Source::default();
        source.read("src/lib.rs", text, Path::new("src")).unwrap();
        source
    }

    #[test]
    fn public_items_without_doc_comments_are_listed_by_line() {
        let source = read(
            "/// Documented.\npub fn a() {}\npub struct B;\nfn private() {}\n/// Docs.\npub enum C { X }\n\
             pub trait D {}\nimpl B {\n    pub fn new() -> B { B }\n}\n",
        );
        assert_eq!((source.docs.documented, source.docs.public), (2, 5));
        let missing: Vec<String> =
            source.docs.missing.iter().map(|f| format!("{}: {}", f.location, f.message)).collect();
        assert_eq!(
            missing,
            [
                "src/lib.rs:3: pub struct `B` has no doc comment",
                "src/lib.rs:7: pub trait `D` has no doc comment",
                "src/lib.rs:9: pub fn `new` has no doc comment"
            ]
        );
    }

    #[test]
    fn the_longest_function_is_measured_from_fn_to_its_closing_brace() {
        let source =
            read("fn short() {}\n\n/// Doc lines do not count.\nfn long(\n    x: i32,\n) -> i32 {\n    x\n}\n");
        let longest = source.longest_function.unwrap();
        assert_eq!((longest.name.as_str(), longest.lines), ("long", 5));
        assert_eq!(longest.location.to_string(), "src/lib.rs:4");
    }

    #[test]
    fn unwraps_and_expects_outside_tests_are_found_even_inside_macros() {
        let source = read(
            "pub fn f(s: &str) -> i32 {\n    let n: i32 = s.parse().unwrap();\n    \
             println!(\"{}\", s.parse::<u8>().expect(\"a byte\"));\n    n.checked_add(1).unwrap_or(0)\n}\n\
             #[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { super::f(\"1\").checked_add(1).unwrap(); }\n}\n\
             #[test]\nfn loose() { Some(1).unwrap(); }\n",
        );
        let found: Vec<String> = source.unwraps.iter().map(|f| format!("{}: {}", f.location, f.message)).collect();
        assert_eq!(found, ["src/lib.rs:2: `.unwrap()` in `f`", "src/lib.rs:3: `.expect()` in `f`"]);
    }

    #[test]
    fn test_only_code_is_skipped_for_docs_and_length_but_cfg_not_test_is_not() {
        let source = read(
            "#[cfg(all(test, unix))]\npub fn helper() {\n\n\n}\n#[cfg(not(test))]\npub fn real() {}\n\
             #[cfg(test)]\nimpl X { pub fn y() {} }\n",
        );
        assert_eq!(source.docs.public, 1);
        assert_eq!(source.longest_function.unwrap().name, "real");
    }

    #[test]
    fn attributes_that_silence_clippy_or_rustfmt_are_found_with_their_lines() {
        let source = read(
            "#![allow(clippy::all)]\n#![allow(dead_code)]\n#[allow(unused, clippy::needless_range_loop)]\nfn a() {}\n\
             #[rustfmt::skip]\nfn b() {}\n#[cfg_attr(not(test), expect(warnings))]\nfn c() {}\n\
             #[cfg(test)]\nmod tests {\n    #![allow(clippy::float_cmp)]\n}\n",
        );
        let found: Vec<String> =
            source.silenced.iter().map(|s| format!("{} {:?} {}", s.location, s.tool, s.attribute)).collect();
        assert_eq!(
            found,
            [
                "src/lib.rs:1 Clippy #![allow(clippy::all)]",
                "src/lib.rs:3 Clippy #[allow(unused, clippy::needless_range_loop)]",
                "src/lib.rs:5 Rustfmt #[rustfmt::skip]",
                "src/lib.rs:7 Clippy #[cfg_attr(not(test), expect(warnings))]"
            ]
        );
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error_not_a_panic() {
        let mut source = Source::default();
        assert!(source.read("src/lib.rs", "fn (", Path::new("src")).is_err());
    }

    #[test]
    fn modules_in_their_own_files_are_read_but_test_modules_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::create_dir_all(src.join("parse")).unwrap();
        std::fs::write(src.join("lib.rs"), "mod parse;\n#[cfg(test)]\nmod tests;\n").unwrap();
        std::fs::write(src.join("parse.rs"), "mod line;\npub fn a() -> u8 {\n    \"1\".parse().unwrap()\n}\n").unwrap();
        std::fs::write(src.join("parse").join("line.rs"), "fn b() {\n    None::<u8>.expect(\"b\");\n}\n").unwrap();
        std::fs::write(src.join("tests.rs"), "fn helper() {\n    None::<u8>.unwrap();\n}\n").unwrap();
        std::fs::write(src.join("stray.rs"), "fn c() { None::<u8>.unwrap(); }\n").unwrap();
        let source = analyse(dir.path());
        let found: Vec<String> = source.unwraps.iter().map(|f| f.location.to_string()).collect();
        assert_eq!(found, ["src/parse.rs:3", "src/parse/line.rs:2"]);
        assert_eq!((source.docs.public, source.docs.documented), (1, 0));
        assert!(source.notes.is_empty(), "{:?}", source.notes);
    }
}
