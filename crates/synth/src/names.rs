//! Agency names built from real-looking parts.
//!
//! Every body that discloses information publishes a report: city, district and county
//! governments, their general offices, their departments, towns and street offices.
//! Names are assembled the way those bodies are named, so the title parser sees the
//! shapes it meets in real files ("辉县市人民政府", "淮安市洪泽区人民政府",
//! "清河县人民政府办公室", "xx市xx区市场监督管理局" …). No name contains digits, brackets
//! or a trailing "的", which the title would not keep.

use crate::phrases::{self, Field};
use crate::rng::Rng;

const CITIES: &[&str] = &[
    "洛阳",
    "开封",
    "新乡",
    "南阳",
    "商丘",
    "信阳",
    "周口",
    "驻马店",
    "宜昌",
    "襄阳",
    "荆州",
    "岳阳",
    "常德",
    "衡阳",
    "株洲",
    "湘潭",
    "赣州",
    "九江",
    "上饶",
    "吉安",
    "泉州",
    "漳州",
    "莆田",
    "三明",
    "绍兴",
    "嘉兴",
    "湖州",
    "金华",
    "台州",
    "温州",
    "徐州",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
    "连云港",
    "潍坊",
    "临沂",
    "济宁",
    "泰安",
    "聊城",
    "德州",
    "滨州",
    "菏泽",
    "保定",
    "邯郸",
    "邢台",
    "沧州",
    "廊坊",
    "唐山",
    "大同",
    "长治",
    "晋城",
    "运城",
    "榆林",
    "宝鸡",
    "咸阳",
    "渭南",
    "汉中",
    "天水",
    "绵阳",
    "德阳",
    "南充",
    "宜宾",
    "泸州",
    "遵义",
    "曲靖",
    "玉溪",
    "桂林",
    "柳州",
    "梧州",
    "湛江",
    "茂名",
    "肇庆",
    "惠州",
    "江门",
    "韶关",
    "长沙",
    "郑州",
    "合肥",
    "南昌",
    "福州",
];

const DISTRICTS: &[&str] = &[
    "城东",
    "城西",
    "城南",
    "城北",
    "河东",
    "河西",
    "鼓楼",
    "新华",
    "海曙",
    "江北",
    "开福",
    "雨花",
    "天心",
    "龙华",
    "金水",
    "二七",
    "中原",
    "惠济",
    "洪泽",
    "清江浦",
    "淮阴",
    "相城",
    "吴中",
    "鹿城",
    "瓯海",
    "龙湾",
    "北湖",
    "苏仙",
    "汇川",
    "红花岗",
    "秦州",
    "麦积",
    "涧西",
    "老城",
    "瀍河",
    "西工",
    "龙亭",
    "顺河",
    "鼓山",
    "芙蓉",
    "岳麓",
    "望城",
    "蜀山",
    "包河",
    "瑶海",
    "庐阳",
    "青山湖",
    "西湖",
];

const COUNTIES: &[&str] = &[
    "清河", "临泽", "武义", "浦江", "桐庐", "淳安", "安吉", "德清", "长兴", "嘉善", "海盐", "宁海",
    "象山", "永嘉", "平阳", "苍南", "文成", "泰顺", "庆元", "云和", "遂昌", "松阳", "沭阳", "泗阳",
    "泗洪", "涟水", "盱眙", "金湖", "射阳", "建湖", "阜宁", "滨海", "响水", "丰县", "沛县", "睢宁",
    "宝应", "汝阳", "伊川", "栾川", "嵩县", "宜阳", "洛宁", "新安", "孟津", "获嘉", "原阳", "延津",
];

/// County-level cities (县级市): named `<name>市`.
const COUNTY_CITIES: &[&str] = &[
    "辉县",
    "义乌",
    "昆山",
    "江阴",
    "晋江",
    "石狮",
    "瑞安",
    "乐清",
    "慈溪",
    "余姚",
    "诸暨",
    "海宁",
    "桐乡",
    "张家港",
    "常熟",
    "太仓",
    "宜兴",
    "溧阳",
    "丹阳",
    "如皋",
    "偃师",
    "卫辉",
    "长葛",
    "禹州",
];

pub(crate) const DEPARTMENTS: &[&str] = &[
    "发展和改革委员会",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广电和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
    "林业局",
    "行政审批服务局",
    "人民政府办公室",
];

const TOWNS: &[&str] = &[
    "城关镇",
    "新安镇",
    "青龙镇",
    "石桥镇",
    "白沙镇",
    "长乐镇",
    "太平镇",
    "永安镇",
    "双河镇",
    "龙泉镇",
    "柳林镇",
    "黄庄镇",
    "马店镇",
    "东关乡",
    "西河乡",
];

const STREETS: &[&str] = &[
    "东城街道",
    "西城街道",
    "南街街道",
    "北关街道",
    "城北街道",
    "新华街道",
    "解放街道",
    "中山街道",
];

/// A generated agency: its full name and how its own report refers to it.
#[derive(Clone)]
pub(crate) struct Agency {
    pub name: String,
    /// Self-reference in the prose: "我局", "区政府", "县政府办" …
    pub short: String,
    /// True for a people's government (their reports add 工作考核 to section 五).
    pub government: bool,
    /// What it works on: the topics its prose speaks of, so that each agency's reports
    /// read like its own and different agencies' reports differ.
    pub field: &'static Field,
}

fn short_for_department(dept: &str) -> &'static str {
    if dept.ends_with("委员会") {
        "我委"
    } else if dept.ends_with("办公室") {
        "我办"
    } else {
        "我局"
    }
}

pub(crate) fn agency(rng: &mut Rng) -> Agency {
    let city = rng.pick(CITIES);
    let gov = |name: String, short: &str| Agency {
        name,
        short: short.to_string(),
        government: true,
        field: if matches!(short, "镇政府" | "本级政府") {
            &phrases::GRASSROOTS
        } else {
            &phrases::GOVERNMENT
        },
    };
    let dept = |name: String, d: &str| Agency {
        name,
        short: short_for_department(d).to_string(),
        government: false,
        field: phrases::field_of_department(d),
    };
    match rng.weighted(&[8, 8, 10, 6, 14, 10, 14, 10, 6, 5, 5]) {
        0 => gov(format!("{city}市人民政府"), "市政府"),
        1 => dept(format!("{city}市人民政府办公室"), "办公室"),
        2 => gov(
            format!("{city}市{}区人民政府", rng.pick(DISTRICTS)),
            "区政府",
        ),
        3 => dept(
            format!("{city}市{}区人民政府办公室", rng.pick(DISTRICTS)),
            "办公室",
        ),
        4 => {
            let d = rng.pick(DEPARTMENTS);
            dept(format!("{city}市{}区{d}", rng.pick(DISTRICTS)), d)
        }
        5 => gov(format!("{}县人民政府", rng.pick(COUNTIES)), "县政府"),
        6 => {
            let d = rng.pick(DEPARTMENTS);
            dept(format!("{}县{d}", rng.pick(COUNTIES)), d)
        }
        7 => {
            let d = rng.pick(DEPARTMENTS);
            dept(format!("{city}市{d}"), d)
        }
        8 => gov(format!("{}市人民政府", rng.pick(COUNTY_CITIES)), "市政府"),
        9 => gov(
            format!("{}县{}人民政府", rng.pick(COUNTIES), rng.pick(TOWNS)),
            if rng.chance(0.5) {
                "镇政府"
            } else {
                "本级政府"
            },
        ),
        _ => Agency {
            name: format!(
                "{city}市{}区{}办事处",
                rng.pick(DISTRICTS),
                rng.pick(STREETS)
            ),
            short: "街道办".to_string(),
            government: true,
            field: &phrases::GRASSROOTS,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_have_no_digits_or_brackets() {
        let mut rng = Rng::new(3, 0);
        for _ in 0..2000 {
            let a = agency(&mut rng);
            assert!(
                a.name
                    .chars()
                    .all(|c| !c.is_ascii() && !"（）()的".contains(c)),
                "{}",
                a.name
            );
            assert!(a.name.chars().count() <= 30, "{}", a.name);
        }
    }
}
