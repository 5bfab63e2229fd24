//! pdftotext-style garbling for [`crate::Layout::Garbled`]: ideographs printed as Kangxi
//! radicals, CJK radicals-supplement characters or CJK compatibility ideographs.
//!
//! A PDF font maps each glyph to one code point, so a document prints an ideograph in
//! one form throughout: the form is drawn once per ideograph and document. Wider than
//! [`crate::kangxi`] (the radicals seen in the seeds): every form that Unicode folds back
//! to the ideograph — the radicals' EquivalentUnifiedIdeograph.txt and the
//! compatibility ideographs' canonical decompositions, as the text crate's normaliser
//! uses them — for every ideograph the generator writes. A form the normaliser did not
//! fold would not be an artefact we imitate but a different document.

use crate::rng::Rng;

/// (ideograph, forms a PDF may print for it), sorted by ideograph for binary search.
/// Generated from `gongkai-text`'s `radicals_table.rs` and `compat_table.rs`, restricted
/// to the ideographs of the generator's phrases and the schema's labels.
pub(crate) const FORMS: &[(char, &[char])] = &[
    ('一', &['\u{2F00}']),                         // ⼀
    ('不', &['\u{F967}']),                         // 不
    ('丹', &['\u{F95E}']),                         // 丹
    ('了', &['\u{F9BA}']),                         // 了
    ('二', &['\u{2F06}']),                         // ⼆
    ('亮', &['\u{F977}']),                         // 亮
    ('人', &['\u{2F08}']),                         // ⼈
    ('例', &['\u{F9B5}']),                         // 例
    ('便', &['\u{F965}']),                         // 便
    ('儿', &['\u{2F09}']),                         // ⼉
    ('充', &['\u{FA74}']),                         // 充
    ('入', &['\u{2F0A}']),                         // ⼊
    ('全', &['\u{FA72}']),                         // 全
    ('八', &['\u{2F0B}']),                         // ⼋
    ('六', &['\u{F9D1}']),                         // 六
    ('况', &['\u{FA71}']),                         // 况
    ('几', &['\u{2F0F}']),                         // ⼏
    ('切', &['\u{FA00}']),                         // 切
    ('列', &['\u{F99C}']),                         // 列
    ('利', &['\u{F9DD}']),                         // 利
    ('力', &['\u{F98A}', '\u{2F12}']),             // 力 ⼒
    ('北', &['\u{F963}']),                         // 北
    ('十', &['\u{2F17}']),                         // ⼗
    ('口', &['\u{2F1D}']),                         // ⼝
    ('土', &['\u{2F1F}']),                         // ⼟
    ('大', &['\u{2F24}']),                         // ⼤
    ('子', &['\u{2F26}']),                         // ⼦
    ('小', &['\u{2E8C}', '\u{2E8D}', '\u{2F29}']), // ⺌ ⺍ ⼩
    ('山', &['\u{2F2D}']),                         // ⼭
    ('工', &['\u{2F2F}']),                         // ⼯
    ('干', &['\u{2F32}']),                         // ⼲
    ('年', &['\u{F98E}']),                         // 年
    ('广', &['\u{2F34}']),                         // ⼴
    ('度', &['\u{FA01}']),                         // 度
    ('廊', &['\u{F928}']),                         // 廊
    ('律', &['\u{F9D8}']),                         // 律
    ('心', &['\u{2E97}', '\u{2F3C}']),             // ⺗ ⼼
    ('念', &['\u{F9A3}']),                         // 念
    ('户', &['\u{2F3E}']),                         // ⼾
    ('手', &['\u{2F3F}']),                         // ⼿
    ('拓', &['\u{FA02}']),                         // 拓
    ('支', &['\u{2F40}']),                         // ⽀
    ('敏', &['\u{FA41}']),                         // 敏
    ('文', &['\u{2F42}']),                         // ⽂
    ('料', &['\u{F9BE}']),                         // 料
    ('方', &['\u{2F45}']),                         // ⽅
    ('旅', &['\u{F983}']),                         // 旅
    ('无', &['\u{2F46}']),                         // ⽆
    ('日', &['\u{2E9C}', '\u{2F47}']),             // ⺜ ⽇
    ('更', &['\u{F901}']),                         // 更
    ('月', &['\u{2E9D}', '\u{2F49}']),             // ⺝ ⽉
    ('望', &['\u{FA93}']),                         // 望
    ('木', &['\u{2F4A}']),                         // ⽊
    ('林', &['\u{F9F4}']),                         // 林
    ('柳', &['\u{F9C9}']),                         // 柳
    ('止', &['\u{2F4C}']),                         // ⽌
    ('比', &['\u{2F50}']),                         // ⽐
    ('民', &['\u{2EA0}']),                         // ⺠
    ('气', &['\u{2F53}']),                         // ⽓
    ('水', &['\u{2F54}']),                         // ⽔
    ('洛', &['\u{F915}']),                         // 洛
    ('流', &['\u{F9CA}', '\u{FA97}']),             // 流 流
    ('海', &['\u{FA45}']),                         // 海
    ('火', &['\u{2F55}']),                         // ⽕
    ('率', &['\u{F961}', '\u{F9DB}']),             // 率 率
    ('玉', &['\u{2F5F}']),                         // ⽟
    ('理', &['\u{F9E4}']),                         // 理
    ('生', &['\u{2F63}']),                         // ⽣
    ('用', &['\u{2F64}']),                         // ⽤
    ('田', &['\u{2F65}']),                         // ⽥
    ('留', &['\u{F9CD}']),                         // 留
    ('白', &['\u{2F69}']),                         // ⽩
    ('益', &['\u{FA17}', '\u{FAA6}']),             // 益 益
    ('目', &['\u{2EAB}', '\u{2F6C}']),             // ⺫ ⽬
    ('直', &['\u{FAA8}']),                         // 直
    ('着', &['\u{FAAA}']),                         // 着
    ('石', &['\u{2F6F}']),                         // ⽯
    ('示', &['\u{2EAC}', '\u{2F70}']),             // ⺬ ⽰
    ('社', &['\u{FA4C}']),                         // 社
    ('福', &['\u{FA1B}']),                         // 福
    ('突', &['\u{FA55}']),                         // 突
    ('立', &['\u{F9F7}', '\u{2F74}']),             // 立 ⽴
    ('类', &['\u{FAAE}']),                         // 类
    ('精', &['\u{FA1D}']),                         // 精
    ('索', &['\u{F96A}']),                         // 索
    ('累', &['\u{F94F}']),                         // 累
    ('网', &['\u{2F79}']),                         // ⽹
    ('署', &['\u{FA5A}']),                         // 署
    ('老', &['\u{F934}', '\u{2F7C}']),             // 老 ⽼
    ('而', &['\u{2F7D}']),                         // ⽽
    ('自', &['\u{2F83}']),                         // ⾃
    ('至', &['\u{2F84}']),                         // ⾄
    ('良', &['\u{F97C}']),                         // 良
    ('色', &['\u{2F8A}']),                         // ⾊
    ('若', &['\u{F974}']),                         // 若
    ('落', &['\u{F918}']),                         // 落
    ('行', &['\u{FA08}', '\u{2F8F}']),             // 行 ⾏
    ('西', &['\u{2EC4}']),                         // ⻄
    ('覆', &['\u{FAB7}']),                         // 覆
    ('见', &['\u{2EC5}']),                         // ⻅
    ('言', &['\u{2F94}']),                         // ⾔
    ('走', &['\u{2F9B}']),                         // ⾛
    ('足', &['\u{2F9C}']),                         // ⾜
    ('路', &['\u{F937}']),                         // 路
    ('身', &['\u{2F9D}']),                         // ⾝
    ('里', &['\u{F9E9}', '\u{2FA5}']),             // 里 ⾥
    ('量', &['\u{F97E}']),                         // 量
    ('金', &['\u{F90A}', '\u{2FA6}']),             // 金 ⾦
    ('长', &['\u{2ED3}']),                         // ⻓
    ('门', &['\u{2ED4}']),                         // ⻔
    ('阜', &['\u{2FA9}']),                         // ⾩
    ('降', &['\u{FA09}']),                         // 降
    ('雨', &['\u{2ED7}', '\u{2FAC}']),             // ⻗ ⾬
    ('零', &['\u{F9B2}']),                         // 零
    ('雷', &['\u{F949}']),                         // 雷
    ('青', &['\u{2ED8}']),                         // ⻘
    ('靖', &['\u{FA1C}', '\u{FAC8}']),             // 靖 靖
    ('非', &['\u{2FAE}']),                         // ⾮
    ('面', &['\u{2FAF}']),                         // ⾯
    ('革', &['\u{2FB0}']),                         // ⾰
    ('音', &['\u{2FB3}']),                         // ⾳
    ('页', &['\u{2EDA}']),                         // ⻚
    ('风', &['\u{2EDB}']),                         // ⻛
    ('食', &['\u{2EDD}', '\u{2FB7}']),             // ⻝ ⾷
    ('首', &['\u{2FB8}']),                         // ⾸
    ('马', &['\u{2EE2}']),                         // ⻢
    ('骨', &['\u{2EE3}', '\u{2FBB}']),             // ⻣ ⾻
    ('高', &['\u{2FBC}']),                         // ⾼
    ('鹿', &['\u{F940}', '\u{2FC5}']),             // 鹿 ⿅
    ('麦', &['\u{2EE8}']),                         // ⻨
    ('黄', &['\u{2EE9}']),                         // ⻩
    ('鼓', &['\u{2FCE}']),                         // ⿎
    ('齐', &['\u{2EEC}']),                         // ⻬
    ('龙', &['\u{2EF0}']),                         // ⻰
];

/// Garble `text`: each ideograph that has forms is replaced (in a share of 60–100 % of
/// the ideographs, drawn per document) by one of its forms, the same everywhere.
pub(crate) fn garble(text: &str, rng: &mut Rng) -> String {
    let share = [0.6, 0.85, 1.0][rng.below(3)];
    let chosen: Vec<Option<char>> = FORMS
        .iter()
        .map(|&(_, fs)| rng.chance(share).then(|| rng.pick(fs)))
        .collect();
    text.chars()
        .map(|c| match FORMS.binary_search_by_key(&c, |&(i, _)| i) {
            Ok(i) => chosen[i].unwrap_or(c),
            Err(_) => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(c: char) -> Option<&'static [char]> {
        FORMS.iter().find(|(i, _)| *i == c).map(|(_, fs)| *fs)
    }

    #[test]
    fn sorted_and_distinct() {
        assert!(FORMS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(FORMS
            .iter()
            .all(|(c, fs)| !fs.is_empty() && !fs.contains(c)));
        assert_eq!(forms('年'), Some(&['\u{F98E}'][..]));
        assert_eq!(forms('政'), None);
    }

    #[test]
    fn one_form_per_ideograph() {
        let text = "年年不不一一".repeat(10);
        for seed in 0..20 {
            let g = garble(&text, &mut Rng::new(seed, 0));
            let cs: Vec<char> = g.chars().collect();
            assert!(cs.chunks(2).all(|p| p[0] == p[1]), "{g}");
        }
    }
}
