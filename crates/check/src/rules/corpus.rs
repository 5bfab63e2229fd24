//! Y0xx — rules across reports (the same agency's previous year, other agencies).
//!
//! Listed in the catalogue so they can be documented, selected and ignored like the others;
//! they need more than one report and are run by the corpus tools, not by [`crate::check`].

use gongkai_model::{FindingKind, Severity};

use crate::{RuleInfo, Scope};

pub(crate) static Y001: RuleInfo = RuleInfo {
    code: "Y001",
    name: "carry-over-mismatch",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Corpus,
    summary: "本年“二、上年结转”与上一年度报告的“四、结转下年度继续办理”不一致",
    explanation: "\
**检查什么**：同一机关相邻两个年度的报告，逐列（自然人、五类法人或其他组织、总计）比较\
本年度表三“二、上年结转政府信息公开申请数量”与上一年度表三“四、结转下年度继续办理”。\
每一列不相等时报告一次。需要同一机关上一年度的报告；任一单元格空白或无效时跳过该列。

**为什么**：上一年度末结转的申请，就是本年度从上年结转来的申请，两个数字必须相同。\
不一致说明其中一年的统计有误，或者结转的申请在两年之间“消失”或“多出”了。

**如何修改**：对照两个年度的申请登记台账，核实跨年结转的申请件数，改正有误的一年。\
若上一年度报告有误且已发布，应在本年度报告中说明更正情况。",
    example: "\
2023年度：四、结转下年度继续办理 2 0 0 0 0 0 2
2024年度：二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
};

pub(crate) static Y002: RuleInfo = RuleInfo {
    code: "Y002",
    name: "stock-discontinuity",
    kind: FindingKind::Document,
    severity: Severity::Warning,
    scope: Scope::Corpus,
    summary: "表二“现行有效件数”与上一年度件数加本年制发、减本年废止不符",
    explanation: "\
**检查什么**：同一机关相邻两个年度的报告，对表二规章、行政规范性文件两行，检查\
本年“现行有效件数”是否等于上一年度“现行有效件数” + 本年“本年制发件数” − 本年“本年废止件数”。\
需要同一机关上一年度的2021年版报告。

**为什么**：现行有效的文件数是存量，只因制发而增加、因废止而减少。不相等可能是统计有误，\
也可能有正当原因（文件因有效期届满自然失效、修订、清理口径调整等），所以这是一条警告。

**如何修改**：核对文件清理台账。确有自然失效、修订等情况的，在报告中说明；\
属统计错误的，改正现行有效件数或制发、废止件数。",
    example: "\
2023年度：行政规范性文件 现行有效件数 470
2024年度：行政规范性文件 本年制发件数 62 本年废止件数 33 现行有效件数 440（470 + 62 − 33 = 499）",
};

pub(crate) static Y003: RuleInfo = RuleInfo {
    code: "Y003",
    name: "copied-text",
    kind: FindingKind::Document,
    severity: Severity::Warning,
    scope: Scope::Corpus,
    summary: "某部分的文字与本机关上一年度报告或其他机关的报告大段雷同",
    explanation: "\
**检查什么**：把“一、总体情况”和“五、存在的主要问题及改进情况”（各不少于100字）\
与本机关此前年度的报告、其他机关的报告的同一部分比较。本部分的内容（按5字片段计，\
数字不论大小视为相同）有70%以上见于对方，且相同内容不全是常见套话时报告：同一机关的，\
报告在较晚的一份上，对照最近的一份；不同机关同一年度的，两份都报告（无法判断谁抄了谁）；\
不同机关不同年度的，报告在较晚的一份上。被全语料库2%以上（至少5个）机关使用的片段\
视为常见套话（如条例名称、格式要求的表述）。同一部分的文字与超过3个其他机关的报告完全相同\
（套用模板）时，每份报告只报告一次，写明同一文字见于多少份报告并列出其中几份，不再逐对报告。“六、其他需要报告的事项”多为收费、\
建议提案办理等固定表述，不比较。阈值和最短字数可用 `ingest --copied-threshold`、\
`--copied-min-chars` 调整。

**为什么**：年度报告格式要求如实反映本年度工作，内容雷同、照搬往年或其他单位的报告，\
是格式本身点名批评的问题；复制时也常留下错误的年份、机关名称或数字。\
“存在的主要问题及改进情况”年年相同，说明问题没有整改。

**如何修改**：结合本年度实际情况重写雷同的部分，写明本年度具体的工作、数据、问题和整改措施。",
    example: "\
五、存在的主要问题及改进情况
一是政策解读形式不够丰富，解读质量还有提升空间；二是政务公开队伍不够稳定……
（与上一年度报告第五部分逐字相同）",
};
