//! A content-stream lexer: operands and operators, without building lopdf objects.
//!
//! lopdf can decode content streams into `Operation`s, but it allocates an object per
//! operand and was most of the reading time; text extraction only needs numbers,
//! strings, names and arrays of them, so a small hand-written lexer does the job.
//! It never fails: malformed bytes are skipped, so a damaged stream still yields the
//! text it holds.

/// One operand of a content-stream operator.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand<'a> {
    Num(f32),
    /// A string's bytes (escapes and hex already decoded).
    Str(Vec<u8>),
    Name(&'a [u8]),
    Array(Vec<Operand<'a>>),
    /// Dictionaries, booleans, null: nothing the interpreter reads.
    Other,
}

impl Operand<'_> {
    pub fn num(&self) -> Option<f32> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// A token: an operand or an operator keyword.
#[derive(Debug, PartialEq)]
pub enum Token<'a> {
    Operand(Operand<'a>),
    Operator(&'a [u8]),
}

/// Nesting deeper than this is hostile input: arrays and dictionaries are cut there.
const MAX_DEPTH: usize = 32;

pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_white(b) && !is_delim(b)
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    fn skip_white(&mut self) {
        while let Some(&b) = self.data.get(self.pos) {
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = self.data.get(self.pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token, or `None` at the end of the data.
    pub fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            self.skip_white();
            let &b = self.data.get(self.pos)?;
            match b {
                b'/' | b'(' | b'<' | b'[' | b'+' | b'-' | b'.' | b'0'..=b'9' => {
                    if b == b'<' && self.data.get(self.pos + 1) == Some(&b'<') {
                        self.skip_dict(0);
                        return Some(Token::Operand(Operand::Other));
                    }
                    return Some(Token::Operand(self.operand(0)));
                }
                b')' | b'>' | b']' | b'{' | b'}' => {
                    // Stray delimiter: skip it.
                    self.pos += 1;
                }
                _ => {
                    let start = self.pos;
                    while self.data.get(self.pos).is_some_and(|&c| is_regular(c)) {
                        self.pos += 1;
                    }
                    let word = &self.data[start..self.pos];
                    return Some(match word {
                        b"true" | b"false" | b"null" => Token::Operand(Operand::Other),
                        _ => Token::Operator(word),
                    });
                }
            }
        }
    }

    fn operand(&mut self, depth: usize) -> Operand<'a> {
        let Some(&b) = self.data.get(self.pos) else {
            return Operand::Other;
        };
        match b {
            b'/' => {
                self.pos += 1;
                let start = self.pos;
                while self.data.get(self.pos).is_some_and(|&c| is_regular(c)) {
                    self.pos += 1;
                }
                Operand::Name(&self.data[start..self.pos])
            }
            b'(' => Operand::Str(self.literal_string()),
            b'<' => {
                if self.data.get(self.pos + 1) == Some(&b'<') {
                    self.skip_dict(depth);
                    Operand::Other
                } else {
                    Operand::Str(self.hex_string())
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_white();
                    let Some(&c) = self.data.get(self.pos) else {
                        break;
                    };
                    if c == b']' {
                        self.pos += 1;
                        break;
                    }
                    if depth >= MAX_DEPTH {
                        self.pos += 1;
                        continue;
                    }
                    match c {
                        b'/' | b'(' | b'<' | b'[' | b'+' | b'-' | b'.' | b'0'..=b'9' => {
                            items.push(self.operand(depth + 1));
                        }
                        _ if is_regular(c) => {
                            // A keyword inside an array (true/false/null, or garbage).
                            while self.data.get(self.pos).is_some_and(|&c| is_regular(c)) {
                                self.pos += 1;
                            }
                            items.push(Operand::Other);
                        }
                        _ => self.pos += 1,
                    }
                }
                Operand::Array(items)
            }
            _ => self.number(),
        }
    }

    fn number(&mut self) -> Operand<'a> {
        let start = self.pos;
        while self
            .data
            .get(self.pos)
            .is_some_and(|&c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.'))
        {
            self.pos += 1;
        }
        if self.pos == start {
            self.pos += 1;
            return Operand::Other;
        }
        let s = &self.data[start..self.pos];
        Operand::Num(parse_num(s))
    }

    fn literal_string(&mut self) -> Vec<u8> {
        self.pos += 1; // '('
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        b'\r' => {
                            // Line continuation.
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn hex_string(&mut self) -> Vec<u8> {
        self.pos += 1; // '<'
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while let Some(&c) = self.data.get(self.pos) {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(v) = hex_val(c) {
                match hi.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => hi = Some(v),
                }
            }
        }
        if let Some(h) = hi {
            out.push(h << 4);
        }
        out
    }

    /// Skip a `<< ... >>` dictionary (marked-content properties, inline image params).
    fn skip_dict(&mut self, depth: usize) {
        self.pos += 2;
        loop {
            self.skip_white();
            let Some(&c) = self.data.get(self.pos) else {
                return;
            };
            match c {
                b'>' if self.data.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    return;
                }
                b'<' if self.data.get(self.pos + 1) == Some(&b'<') => {
                    if depth < MAX_DEPTH {
                        self.skip_dict(depth + 1);
                    } else {
                        self.pos += 2;
                    }
                }
                b'(' => {
                    self.literal_string();
                }
                b'<' => {
                    self.hex_string();
                }
                _ => self.pos += 1,
            }
        }
    }

    /// After an inline image's `ID` operator: skip the image data up to `EI`.
    pub fn skip_inline_image(&mut self) {
        // One whitespace byte follows ID; the data ends at whitespace + "EI" + delimiter.
        self.pos += 1;
        let d = self.data;
        while self.pos + 2 <= d.len() {
            if d[self.pos] == b'E'
                && d[self.pos + 1] == b'I'
                && self.pos > 0
                && is_white(d[self.pos - 1])
                && d.get(self.pos + 2)
                    .is_none_or(|&c| is_white(c) || is_delim(c))
            {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
        self.pos = d.len();
    }
}

/// Parse a PDF number leniently ("--5", "1.2.3", "-.5" all give something sane).
fn parse_num(s: &[u8]) -> f32 {
    let mut neg = false;
    let mut i = 0;
    while i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        neg ^= s[i] == b'-';
        i += 1;
    }
    let mut int: f64 = 0.0;
    while i < s.len() && s[i].is_ascii_digit() {
        int = int * 10.0 + f64::from(s[i] - b'0');
        i += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let mut scale = 0.1;
        while i < s.len() && s[i].is_ascii_digit() {
            int += f64::from(s[i] - b'0') * scale;
            scale *= 0.1;
            i += 1;
        }
    }
    let v = if neg { -int } else { int };
    if v.is_finite() {
        v as f32
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Vec<Token<'_>> {
        let mut l = Lexer::new(s.as_bytes());
        std::iter::from_fn(|| l.next_token()).collect()
    }

    #[test]
    fn operators_and_operands() {
        let t = tokens(
            "BT /F1 12 Tf 1 0 0 1 -3.5 .5 Tm (a\\(b\\)\\101) Tj <4e2d 6> Tj [(x) -250 <01>] TJ ET",
        );
        assert_eq!(t[0], Token::Operator(b"BT"));
        assert_eq!(t[1], Token::Operand(Operand::Name(b"F1")));
        assert_eq!(t[2], Token::Operand(Operand::Num(12.0)));
        assert_eq!(t[8], Token::Operand(Operand::Num(-3.5)));
        assert_eq!(t[9], Token::Operand(Operand::Num(0.5)));
        assert_eq!(t[11], Token::Operand(Operand::Str(b"a(b)A".to_vec())));
        assert_eq!(t[13], Token::Operand(Operand::Str(vec![0x4e, 0x2d, 0x60])));
        assert_eq!(
            t[15],
            Token::Operand(Operand::Array(vec![
                Operand::Str(b"x".to_vec()),
                Operand::Num(-250.0),
                Operand::Str(vec![1])
            ]))
        );
        assert_eq!(t.last(), Some(&Token::Operator(b"ET")));
    }

    #[test]
    fn dicts_and_inline_images_are_skipped() {
        let mut l = Lexer::new(b"/P <</MCID 0 /A <</B (x)>> >> BDC BI /W 1 ID \x00\xffEI\x01 EI Q");
        let mut ops = Vec::new();
        while let Some(t) = l.next_token() {
            if let Token::Operator(op) = t {
                ops.push(op.to_vec());
                if op == b"ID" {
                    l.skip_inline_image();
                }
            }
        }
        assert_eq!(
            ops,
            vec![
                b"BDC".to_vec(),
                b"BI".to_vec(),
                b"ID".to_vec(),
                b"Q".to_vec()
            ]
        );
    }

    #[test]
    fn garbage_does_not_hang() {
        let t = tokens(")]}>> [[[ (unterminated");
        assert!(t.len() <= 3);
        assert_eq!(parse_num(b"--5"), 5.0);
    }
}
