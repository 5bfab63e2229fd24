//! Kangxi radicals and CJK radicals-supplement characters in place of ideographs, as
//! PDF text layers have them.
//!
//! Only true equivalents are used (Unicode's EquivalentUnifiedIdeograph.txt, as the
//! text crate's normaliser folds them back), and only the ones seen in real reports
//! (seeds 002 and 004): a radical the normaliser did not fold would not be an artefact
//! we imitate but a different document.

/// (ideograph, radical that PDFs print for it), sorted by ideograph for binary search.
pub(crate) const RADICALS: &[(char, char)] = &[
    ('一', '\u{2F00}'), // ⼀
    ('二', '\u{2F06}'), // ⼆
    ('人', '\u{2F08}'), // ⼈
    ('入', '\u{2F0A}'), // ⼊
    ('八', '\u{2F0B}'), // ⼋
    ('力', '\u{2F12}'), // ⼒
    ('十', '\u{2F17}'), // ⼗
    ('大', '\u{2F24}'), // ⼤
    ('子', '\u{2F26}'), // ⼦
    ('小', '\u{2F29}'), // ⼩
    ('工', '\u{2F2F}'), // ⼯
    ('干', '\u{2F32}'), // ⼲
    ('广', '\u{2F34}'), // ⼴
    ('户', '\u{2F3E}'), // ⼾ (the normaliser maps it to 户, the glyph SC fonts share)
    ('手', '\u{2F3F}'), // ⼿
    ('文', '\u{2F42}'), // ⽂
    ('方', '\u{2F45}'), // ⽅
    ('无', '\u{2F46}'), // ⽆
    ('止', '\u{2F4C}'), // ⽌
    ('民', '\u{2EA0}'), // ⺠
    ('水', '\u{2F54}'), // ⽔
    ('生', '\u{2F63}'), // ⽣
    ('用', '\u{2F64}'), // ⽤
    ('白', '\u{2F69}'), // ⽩
    ('目', '\u{2F6C}'), // ⽬
    ('示', '\u{2F70}'), // ⽰
    ('立', '\u{2F74}'), // ⽴
    ('网', '\u{2F79}'), // ⽹
    ('而', '\u{2F7D}'), // ⽽
    ('自', '\u{2F83}'), // ⾃
    ('色', '\u{2F8A}'), // ⾊
    ('行', '\u{2F8F}'), // ⾏
    ('身', '\u{2F9D}'), // ⾝
    ('金', '\u{2FA6}'), // ⾦
    ('长', '\u{2ED3}'), // ⻓
    ('门', '\u{2ED4}'), // ⻔
    ('面', '\u{2FAF}'), // ⾯
    ('风', '\u{2EDB}'), // ⻛
    ('首', '\u{2FB8}'), // ⾸
    ('高', '\u{2FBC}'), // ⾼
];

/// The index in [`RADICALS`] of ideograph `c`, if a PDF may print it as a radical.
pub(crate) fn position(c: char) -> Option<usize> {
    RADICALS.binary_search_by_key(&c, |&(i, _)| i).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_for_binary_search() {
        assert!(RADICALS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(position('民').map(|i| RADICALS[i].1), Some('⺠'));
        assert_eq!(position('政'), None);
    }
}
