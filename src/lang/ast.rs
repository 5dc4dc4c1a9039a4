//! The patch AST. Nodes own their text and carry byte spans, so the last good AST outlives the source buffer.
//! Pure data; built on the control thread.

use super::span::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `name = chain`
    Binding { name: Ident, chain: Chain },
    /// A chain on its own line, usually ending in `out`.
    Chain(Chain),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `a -> b -> c`: each stage feeds its main output into the next stage's main input.
#[derive(Debug, Clone, PartialEq)]
pub struct Chain {
    pub stages: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Hz,
    KHz,
    Ms,
    S,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Number {
        value: f64,
        unit: Option<Unit>,
    },
    /// A note name, already converted to Hz (`a4` = 440).
    Note {
        name: String,
        hz: f64,
    },
    /// `_` in a sequencer list.
    Rest,
    /// Text in quotes (without them), such as a pattern.
    Text(String),
    List(Vec<Expr>),
    /// A bare name: a binding, or a node called with no arguments.
    Name(Ident),
    /// `binding.port` or `out.left`.
    Port {
        base: Ident,
        port: Ident,
    },
    Call(Call),
    /// A parenthesised chain of two or more stages.
    Chain(Chain),
    Neg(Box<Expr>),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: Ident,
    pub args: Vec<Arg>,
    /// `@name`: the node's identity across edits, instead of its place.
    pub label: Option<Ident>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Positional(Expr),
    Keyword { name: Ident, value: Expr },
}

impl Unit {
    /// Scale to the base unit (Hz or seconds).
    pub fn scale(self) -> f64 {
        match self {
            Unit::Hz | Unit::S => 1.0,
            Unit::KHz => 1000.0,
            Unit::Ms => 0.001,
        }
    }

    pub fn is_frequency(self) -> bool {
        matches!(self, Unit::Hz | Unit::KHz)
    }
}
