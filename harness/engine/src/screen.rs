//! Screening a candidate's sources before they are built: compile-time file and environment access is how code that
//! never runs could still read the hidden suite (`include_str!("/…/hidden/suite.rs")`, `#[path = "…"] mod x;`,
//! whose text a compile error would then quote) or the harness's environment (`env!("GITHUB_TOKEN")`). Paths must stay
//! inside the crate (relative, no `..`) and be plain string literals; only `CARGO_*` variables may be read.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::path::Path;
use std::str::FromStr;

/// Macros that read a file at compile time.
const INCLUDES: [&str; 3] = ["include_str", "include_bytes", "include"];
/// Macros that read the build's environment at compile time.
const ENVS: [&str; 2] = ["env", "option_env"];

/// Why a source file cannot be built, located `file:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    pub refused: Refused,
}

/// What a source does at compile time that it may not; reporters phrase it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// `include_str!("/etc/passwd")`: an include macro (`name`) reading a `path` outside the crate.
    IncludeOutside { name: String, path: String },
    /// An include macro used other than with a plain relative string literal (computed, passed on, escaped).
    IncludeNotLiteral { name: String },
    /// `env!` / `option_env!` (`name`) reading a variable other than `CARGO_*`.
    EnvNotCargo { name: String },
    /// `#[path = "…"]` naming a file outside the crate or not as a relative literal.
    PathAttribute,
}

/// Screens one source file (its text); `Ok` when nothing in it reaches outside the crate at compile time. A file that
/// does not even tokenise is left to the compiler to report.
pub fn screen(text: &str) -> Result<(), Refusal> {
    match TokenStream::from_str(text) {
        Ok(tokens) => walk(tokens),
        Err(_) => Ok(()),
    }
}

fn walk(tokens: TokenStream) -> Result<(), Refusal> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => {
                if group.delimiter() == Delimiter::Bracket && is_punct(tokens.get(i.wrapping_sub(1)), '#') {
                    check_attribute(group.stream())?;
                }
                walk(group.stream())?;
            }
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                let name = name.trim_start_matches("r#");
                let line = ident.span().start().line;
                let is_macro = is_punct(tokens.get(i + 1), '!');
                if INCLUDES.contains(&name) {
                    // Even the bare name is refused: a macro_rules! could pass it on and call it with a path.
                    let argument = if is_macro { only_literal(tokens.get(i + 2)) } else { None };
                    match argument {
                        Some(path) if inside_crate(&path) => {}
                        Some(path) => {
                            return Err(refuse(line, Refused::IncludeOutside { name: name.to_owned(), path }));
                        }
                        None => {
                            return Err(refuse(line, Refused::IncludeNotLiteral { name: name.to_owned() }));
                        }
                    }
                }
                if ENVS.contains(&name) && is_macro {
                    match only_literal(tokens.get(i + 2)) {
                        Some(var) if var.starts_with("CARGO_") => {}
                        _ => {
                            return Err(refuse(line, Refused::EnvNotCargo { name: name.to_owned() }));
                        }
                    }
                }
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
    Ok(())
}

/// `#[path = "…"]`: the module file must be inside the crate.
fn check_attribute(tokens: TokenStream) -> Result<(), Refusal> {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    if let [TokenTree::Ident(ident), TokenTree::Punct(eq), value, ..] = tokens.as_slice()
        && ident == "path"
        && eq.as_char() == '='
    {
        let line = ident.span().start().line;
        match literal_text(value) {
            Some(path) if inside_crate(&path) => {}
            _ => return Err(refuse(line, Refused::PathAttribute)),
        }
    }
    Ok(())
}

fn refuse(line: usize, refused: Refused) -> Refusal {
    Refusal { line, refused }
}

fn is_punct(token: Option<&TokenTree>, ch: char) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}

/// The string of a macro call's argument group when it is exactly one plain string literal.
fn only_literal(token: Option<&TokenTree>) -> Option<String> {
    let TokenTree::Group(group) = token? else { return None };
    let inner: Vec<TokenTree> = group.stream().into_iter().collect();
    match inner.as_slice() {
        [single] | [single, TokenTree::Punct(_)] => literal_text(single),
        _ => None,
    }
}

/// The contents of a plain (or raw) string literal, without escapes to interpret (a path with escapes is refused).
fn literal_text(token: &TokenTree) -> Option<String> {
    let TokenTree::Literal(literal) = token else { return None };
    let text = literal.to_string();
    let inner = if let Some(raw) = text.strip_prefix('r') {
        raw.trim_matches('#').strip_prefix('"')?.strip_suffix('"')?
    } else {
        text.strip_prefix('"')?.strip_suffix('"')?
    };
    (!inner.contains('\\')).then(|| inner.to_owned())
}

/// Relative, and never climbing out with `..`.
fn inside_crate(path: &str) -> bool {
    let path = Path::new(path);
    path.is_relative() && !path.components().any(|c| matches!(c, std::path::Component::ParentDir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> Refused {
        screen(text).expect_err("refused").refused
    }

    fn include_not_literal(name: &str) -> Refused {
        Refused::IncludeNotLiteral { name: name.to_owned() }
    }

    #[test]
    fn includes_inside_the_crate_are_fine() {
        assert_eq!(screen("const A: &str = include_str!(\"data/rates.csv\");\nmod m;"), Ok(()));
        assert_eq!(screen("const B: &[u8] = include_bytes!(r\"blob.bin\");"), Ok(()));
        assert_eq!(screen("const C: &str = env!(\"CARGO_PKG_NAME\");"), Ok(()));
        assert_eq!(screen("#[path = \"impls/heap.rs\"] mod heap;"), Ok(()));
    }

    #[test]
    fn absolute_and_climbing_paths_are_refused_with_their_line() {
        let err = screen("\n\nconst S: &str = include_str!(\"/work/problems/p/hidden/suite.rs\");").unwrap_err();
        assert_eq!(err.line, 3);
        let outside = |path: &str| Refused::IncludeOutside { name: "include_str".to_owned(), path: path.to_owned() };
        assert_eq!(err.refused, outside("/work/problems/p/hidden/suite.rs"));
        let climbing = "../../../solutions/p/reference/src/lib.rs";
        assert_eq!(refused(&format!("const S: &str = include_str!(\"{climbing}\");")), outside(climbing));
        assert_eq!(refused("#[path = \"/etc/passwd\"] mod secret;"), Refused::PathAttribute);
        assert_eq!(refused("#[path = \"../../x.rs\"] mod secret;"), Refused::PathAttribute);
    }

    #[test]
    fn computed_paths_and_smuggled_names_are_refused() {
        let include_str = include_not_literal("include_str");
        assert_eq!(refused("const S: &str = include_str!(concat!(\"/wo\", \"rk\"));"), include_str);
        assert_eq!(refused("macro_rules! m { ($f:ident) => { $f!(\"/x\") } }\nm!(include_str);"), include_str);
        assert_eq!(refused("const S: &str = include_str!(\"\\x2fetc/passwd\");"), include_str);
    }

    #[test]
    fn only_cargo_variables_may_be_read_at_compile_time() {
        assert_eq!(refused("const T: &str = env!(\"GITHUB_TOKEN\");"), Refused::EnvNotCargo { name: "env".to_owned() });
        let option_env = Refused::EnvNotCargo { name: "option_env".to_owned() };
        assert_eq!(refused("const T: Option<&str> = option_env!(\"HOME\");"), option_env);
        // A variable or function that happens to be called `env` is not the macro.
        assert_eq!(screen("fn env() -> u8 { 1 } fn f() -> u8 { env() }"), Ok(()));
    }
}
