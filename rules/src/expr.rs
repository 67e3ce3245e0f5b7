//! Readable conditions: `grade <= 2 and not welfare`, `part in [heart, kidney]`,
//! `income < juudo_limit[dependents]`, `age(birth_date, today) >= 65`.
//!
//! Parsing gives an [`Expr`] with byte offsets for error messages; [`crate::pack`] resolves
//! names and checks types; evaluation is three-valued (an unanswered question is *unknown*,
//! never false) and records the facts that decided the result, which become the reasons
//! staff read out.

use core::fmt;

/// Comparison operators, written as in the pack files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }

    /// The operator that holds exactly when this one does not.
    pub fn negated(self) -> Self {
        match self {
            Self::Eq => Self::Ne,
            Self::Ne => Self::Eq,
            Self::Lt => Self::Ge,
            Self::Le => Self::Gt,
            Self::Gt => Self::Le,
            Self::Ge => Self::Lt,
        }
    }

    pub fn holds<T: Ord>(self, a: &T, b: &T) -> bool {
        match self {
            Self::Eq => a == b,
            Self::Ne => a != b,
            Self::Lt => a < b,
            Self::Le => a <= b,
            Self::Gt => a > b,
            Self::Ge => a >= b,
        }
    }
}

/// A parsed condition or value expression. `at` is the byte offset in the source text.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Bool(bool),
    Int(i64),
    /// A question, derived value, parameter or (beside a choice) an option id.
    Name {
        name: String,
        at: usize,
    },
    /// `limit[dependents]`: an entry of a parameter table.
    Index {
        name: String,
        at: usize,
        index: Box<Expr>,
    },
    /// `age(birth_date, today)`.
    Call {
        func: String,
        at: usize,
        args: Vec<Expr>,
    },
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Cmp {
        op: CmpOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `x in [a, b]` (a choice among options) or `[a, b] in x`-free form; `negated` for `not in`.
    In {
        lhs: Box<Expr>,
        set: Vec<Expr>,
        negated: bool,
    },
    /// `parts has heart`: a multiple-choice answer includes an option.
    Has {
        lhs: Box<Expr>,
        option: Box<Expr>,
    },
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
}

/// A syntax error: what was found, where (byte offset), what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct SyntaxError {
    /// 1-based character column in the expression.
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(i64),
    Ident(String),
    Op(&'static str),
    End,
}

struct Lexer {
    toks: Vec<(Tok, usize)>,
}

fn column(src: &str, at: usize) -> usize {
    src[..at.min(src.len())].chars().count() + 1
}

impl Lexer {
    fn run(src: &str) -> Result<Vec<(Tok, usize)>, SyntaxError> {
        let mut lx = Lexer { toks: Vec::new() };
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            if c.is_ascii_whitespace() {
                i += 1;
            } else if c.is_ascii_digit() {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                    i += 1;
                }
                let text: String = src[start..i].chars().filter(|&c| c != '_').collect();
                let n = text.parse::<i64>().map_err(|_| SyntaxError {
                    column: column(src, start),
                    message: format!("number {:?} is too large", &src[start..i]),
                })?;
                lx.toks.push((Tok::Int(n), start));
            } else if c.is_ascii_alphabetic() || c == b'_' {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                {
                    i += 1;
                }
                lx.toks.push((Tok::Ident(src[start..i].to_owned()), start));
            } else {
                let two = src.get(i..i + 2).unwrap_or("");
                let op: &'static str = match two {
                    "==" => "==",
                    "!=" => "!=",
                    "<=" => "<=",
                    ">=" => ">=",
                    _ => match c {
                        b'<' => "<",
                        b'>' => ">",
                        b'(' => "(",
                        b')' => ")",
                        b'[' => "[",
                        b']' => "]",
                        b',' => ",",
                        b'+' => "+",
                        b'-' => "-",
                        _ => {
                            let ch = src[i..].chars().next().unwrap_or('?');
                            return Err(SyntaxError {
                                column: column(src, i),
                                message: format!(
                                    "unexpected character {ch:?}; names are ASCII (a-z, 0-9, _), \
                                     operators are and, or, not, in, has, ==, !=, <, <=, >, >=, +, -"
                                ),
                            });
                        }
                    },
                };
                lx.toks.push((Tok::Op(op), i));
                i += op.len();
            }
        }
        lx.toks.push((Tok::End, src.len()));
        Ok(lx.toks)
    }
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

const KEYWORDS: [&str; 7] = ["and", "or", "not", "in", "has", "true", "false"];

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn at(&self) -> usize {
        self.toks[self.pos].1
    }
    fn bump(&mut self) -> (Tok, usize) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Tok::Op(s) if *s == op)
    }
    fn err(&self, expected: &str) -> SyntaxError {
        let found = match self.peek() {
            Tok::Int(n) => format!("number {n}"),
            Tok::Ident(s) => format!("{s:?}"),
            Tok::Op(o) => format!("{o:?}"),
            Tok::End => "the end of the condition".to_owned(),
        };
        SyntaxError {
            column: column(self.src, self.at()),
            message: format!("expected {expected}, found {found}"),
        }
    }
    fn expect_op(&mut self, op: &str) -> Result<(), SyntaxError> {
        if self.is_op(op) {
            self.bump();
            Ok(())
        } else {
            Err(self.err(&format!("{op:?}")))
        }
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut items = vec![self.and()?];
        while self.is_kw("or") {
            self.bump();
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut items = vec![self.not()?];
        while self.is_kw("and") {
            self.bump();
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if self.is_kw("not") {
            self.bump();
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, SyntaxError> {
        let lhs = self.sum()?;
        let op = match self.peek() {
            Tok::Op("==") => CmpOp::Eq,
            Tok::Op("!=") => CmpOp::Ne,
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::Le,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::Ge,
            Tok::Ident(k) if k == "in" => {
                self.bump();
                let set = self.list()?;
                return Ok(Expr::In {
                    lhs: Box::new(lhs),
                    set,
                    negated: false,
                });
            }
            Tok::Ident(k) if k == "not" => {
                // `x not in [..]`
                self.bump();
                if !self.is_kw("in") {
                    return Err(self.err("\"in\" after \"not\""));
                }
                self.bump();
                let set = self.list()?;
                return Ok(Expr::In {
                    lhs: Box::new(lhs),
                    set,
                    negated: true,
                });
            }
            Tok::Ident(k) if k == "has" => {
                self.bump();
                // `parts has any [visual, hearing]`: includes at least one of them.
                if self.is_kw("any")
                    && matches!(self.toks.get(self.pos + 1), Some((Tok::Op(o), _)) if *o == "[")
                {
                    self.bump();
                    let options = self.list()?;
                    return Ok(Expr::Or(
                        options
                            .into_iter()
                            .map(|option| Expr::Has {
                                lhs: Box::new(lhs.clone()),
                                option: Box::new(option),
                            })
                            .collect(),
                    ));
                }
                let option = self.primary()?;
                return Ok(Expr::Has {
                    lhs: Box::new(lhs),
                    option: Box::new(option),
                });
            }
            _ => return Ok(lhs),
        };
        self.bump();
        let rhs = self.sum()?;
        Ok(Expr::Cmp {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        })
    }

    fn list(&mut self) -> Result<Vec<Expr>, SyntaxError> {
        self.expect_op("[")?;
        let mut items = vec![self.primary()?];
        while self.is_op(",") {
            self.bump();
            items.push(self.primary()?);
        }
        self.expect_op("]")?;
        Ok(items)
    }

    fn sum(&mut self) -> Result<Expr, SyntaxError> {
        let mut lhs = self.primary()?;
        loop {
            if self.is_op("+") {
                self.bump();
                lhs = Expr::Add(Box::new(lhs), Box::new(self.primary()?));
            } else if self.is_op("-") {
                self.bump();
                lhs = Expr::Sub(Box::new(lhs), Box::new(self.primary()?));
            } else {
                return Ok(lhs);
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        match self.peek().clone() {
            Tok::Int(n) => {
                self.bump();
                Ok(Expr::Int(n))
            }
            Tok::Op("-") => {
                self.bump();
                match self.bump() {
                    (Tok::Int(n), _) => Ok(Expr::Int(-n)),
                    _ => {
                        self.pos -= 1;
                        Err(self.err("a number after \"-\""))
                    }
                }
            }
            Tok::Op("(") => {
                self.bump();
                let e = self.or()?;
                self.expect_op(")")?;
                Ok(e)
            }
            Tok::Ident(name) if name == "true" || name == "false" => {
                self.bump();
                Ok(Expr::Bool(name == "true"))
            }
            Tok::Ident(name) if !KEYWORDS.contains(&name.as_str()) => {
                let at = self.at();
                self.bump();
                if self.is_op("(") {
                    self.bump();
                    let mut args = Vec::new();
                    if !self.is_op(")") {
                        args.push(self.or()?);
                        while self.is_op(",") {
                            self.bump();
                            args.push(self.or()?);
                        }
                    }
                    self.expect_op(")")?;
                    Ok(Expr::Call {
                        func: name,
                        at,
                        args,
                    })
                } else if self.is_op("[") {
                    self.bump();
                    let index = self.sum()?;
                    self.expect_op("]")?;
                    Ok(Expr::Index {
                        name,
                        at,
                        index: Box::new(index),
                    })
                } else {
                    Ok(Expr::Name { name, at })
                }
            }
            _ => Err(self.err("a name, a number, true, false or \"(\"")),
        }
    }
}

/// Parses one condition or value expression.
pub fn parse(src: &str) -> Result<Expr, SyntaxError> {
    let toks = Lexer::run(src)?;
    let mut p = Parser { src, toks, pos: 0 };
    if matches!(p.peek(), Tok::End) {
        return Err(p.err("a condition"));
    }
    let e = p.or()?;
    if !matches!(p.peek(), Tok::End) {
        return Err(p.err("\"and\", \"or\" or the end of the condition"));
    }
    Ok(e)
}

impl Expr {
    /// Every name the expression reads (questions, derived values, parameters, options).
    pub fn names(&self, out: &mut Vec<(String, usize)>) {
        match self {
            Expr::Bool(_) | Expr::Int(_) => {}
            Expr::Name { name, at } => out.push((name.clone(), *at)),
            Expr::Index { name, at, index } => {
                out.push((name.clone(), *at));
                index.names(out);
            }
            Expr::Call { args, .. } => args.iter().for_each(|a| a.names(out)),
            Expr::Not(e) => e.names(out),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|a| a.names(out)),
            Expr::Cmp { lhs, rhs, .. } | Expr::Add(lhs, rhs) | Expr::Sub(lhs, rhs) => {
                lhs.names(out);
                rhs.names(out);
            }
            Expr::In { lhs, set, .. } => {
                lhs.names(out);
                set.iter().for_each(|a| a.names(out));
            }
            Expr::Has { lhs, option } => {
                lhs.names(out);
                option.names(out);
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, v: &[Expr], sep: &str| -> fmt::Result {
            for (i, e) in v.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                let paren = matches!(e, Expr::And(_) | Expr::Or(_));
                if paren {
                    write!(f, "({e})")?;
                } else {
                    write!(f, "{e}")?;
                }
            }
            Ok(())
        };
        match self {
            Expr::Bool(b) => write!(f, "{b}"),
            Expr::Int(n) => write!(f, "{n}"),
            Expr::Name { name, .. } => f.write_str(name),
            Expr::Index { name, index, .. } => write!(f, "{name}[{index}]"),
            Expr::Call { func, args, .. } => {
                write!(f, "{func}(")?;
                join(f, args, ", ")?;
                f.write_str(")")
            }
            Expr::Not(e) => match **e {
                Expr::And(_) | Expr::Or(_) => write!(f, "not ({e})"),
                _ => write!(f, "not {e}"),
            },
            Expr::And(v) => join(f, v, " and "),
            Expr::Or(v) => join(f, v, " or "),
            Expr::Cmp { op, lhs, rhs } => write!(f, "{lhs} {} {rhs}", op.symbol()),
            Expr::In { lhs, set, negated } => {
                write!(f, "{lhs} {}[", if *negated { "not in " } else { "in " })?;
                join(f, set, ", ")?;
                f.write_str("]")
            }
            Expr::Has { lhs, option } => write!(f, "{lhs} has {option}"),
            Expr::Add(a, b) => write!(f, "{a} + {b}"),
            Expr::Sub(a, b) => write!(f, "{a} - {b}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let e = parse("a or not b and c >= 3").unwrap();
        assert_eq!(e.to_string(), "a or (not b and c >= 3)");
    }

    #[test]
    fn lists_tables_calls_and_underscored_numbers() {
        let e = parse("part not in [heart, kidney] and income < limit[dependents + 1] and age(birth, today) >= 4_596_000").unwrap();
        assert_eq!(
            e.to_string(),
            "part not in [heart, kidney] and income < limit[dependents + 1] and age(birth, today) >= 4596000"
        );
        let mut names = Vec::new();
        e.names(&mut names);
        let names: Vec<_> = names.into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "part",
                "heart",
                "kidney",
                "income",
                "limit",
                "dependents",
                "birth",
                "today"
            ]
        );
    }

    #[test]
    fn has_any_is_one_has_per_option() {
        let e = parse("parts has any [visual, hearing] and grade <= 2").unwrap();
        assert_eq!(
            e.to_string(),
            "(parts has visual or parts has hearing) and grade <= 2"
        );
        // An option named `any` is still an option.
        assert_eq!(parse("parts has any").unwrap().to_string(), "parts has any");
        let e = parse("parts has any visual").unwrap_err();
        assert!(e.to_string().contains("column"), "{e}");
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        let e = parse("grade <= ").unwrap_err();
        assert_eq!(e.column, 10);
        assert!(e.message.contains("expected a name, a number"), "{e}");
        let e = parse("grade ≦ 2").unwrap_err();
        assert_eq!(e.column, 7);
        assert!(e.message.contains("unexpected character '≦'"), "{e}");
        let e = parse("a b").unwrap_err();
        assert_eq!(
            e.to_string(),
            "column 3: expected \"and\", \"or\" or the end of the condition, found \"b\""
        );
        assert!(
            parse("")
                .unwrap_err()
                .message
                .contains("expected a condition")
        );
        assert!(
            parse("x in [a, b")
                .unwrap_err()
                .message
                .contains("expected \"]\"")
        );
        assert!(
            parse("99999999999999999999 > 1")
                .unwrap_err()
                .message
                .contains("too large")
        );
    }
}
