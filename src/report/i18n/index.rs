//! The sentences of report.html's contract index, the layout of a large audit: the
//! largest findings, the contracts with their trails on demand (docs/REPORTS.md).

use crate::domain::lang::Lang;

/// The words and sentences of the contract index, in `lang`.
#[derive(Debug, Clone, Copy)]
pub struct IndexWords {
    lang: Lang,
}

/// The index's words in `lang`.
pub fn index_words(lang: Lang) -> IndexWords {
    IndexWords { lang }
}

impl IndexWords {
    fn pick(self, en: String, zh: String) -> String {
        match self.lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The index's heading.
    pub fn heading(self) -> String {
        self.pick("Contracts and their trails".into(), "合同索引与追溯".into())
    }

    /// What the index holds and how a trail opens.
    pub fn intro(self) -> String {
        self.pick(
            "One row per contract. Choose its trail to see, below this line, each settlement period's computation (weighted base per product, billing rows, brackets, catch-up, cap, Earned), its installments and the findings about them.".into(),
            "每份合同一行。点击其“追溯”，在此行下方查看每个结算期的计算过程（各产品加权基数、账单行、档位、补差、上限、累计应得）、各期次及相关发现。".into(),
        )
    }

    /// The line shown without JavaScript: where the trails are then.
    pub fn without_script(self) -> String {
        self.pick(
            "Trails open with JavaScript. Without it, each contract's trail is in evidence/<contract>.md beside this page; the trail links open it.".into(),
            "追溯需要 JavaScript 才能在本页打开；没有 JavaScript 时，每份合同的追溯见本页旁的 evidence/<合同>.md，点击“追溯”即打开该文件。".into(),
        )
    }

    /// The heading of the trail column.
    pub fn trail_column(self) -> String {
        self.pick("trail".into(), "追溯".into())
    }

    /// A contract's trail, as its link and heading say it.
    pub fn trail_of(self, contract: &str) -> String {
        self.pick(
            format!("Trail of contract {contract}"),
            format!("合同 {contract} 的追溯"),
        )
    }

    /// A settlement period's heading, its dates and its key.
    pub fn period(self, range: &str, key: &str) -> String {
        self.pick(
            format!("Settlement period {range} ({key})"),
            format!("结算期 {range}（{key}）"),
        )
    }

    /// The heading of the findings about a period.
    pub fn findings_of_period(self, count: usize) -> String {
        self.pick(format!("findings ({count})"), format!("发现（{count}）"))
    }

    /// The heading of a contract's findings about no period's installment.
    pub fn other_findings(self, count: usize) -> String {
        self.pick(
            format!("Findings not about a settlement period ({count})"),
            format!("与结算期无关的发现（{count}）"),
        )
    }

    /// The index line of the findings about no contract audited.
    pub fn no_contract(self) -> String {
        self.pick(
            "Findings about no contract audited".into(),
            "不属于任何已审计合同的发现".into(),
        )
    }

    /// The findings table of a large audit: which findings it lists.
    pub fn largest(self, shown: usize, all: usize) -> String {
        self.pick(
            format!("The {shown} findings with the most at stake, of {all}. Every finding is in its contract's trail (the contract index below) and in findings.json."),
            format!("共 {all} 项发现，此处列出涉及金额最大的 {shown} 项。每项发现都在其合同的追溯（见下方合同索引）和 findings.json 中。"),
        )
    }

    /// The chart of a large audit: which contracts it draws.
    pub fn chart_of(self, shown: usize, all: usize) -> String {
        self.pick(
            format!("The {shown} contracts short the most, of {all}; every contract is in the contract index."),
            format!("共 {all} 份合同，图中为短缺最多的 {shown} 份；全部合同见合同索引。"),
        )
    }

    /// What the trail panel says while a trail opens.
    pub fn opening(self) -> String {
        self.pick("Opening the trail…".into(), "正在打开追溯…".into())
    }

    /// What the trail panel says when this browser cannot open a trail.
    pub fn cannot_open(self) -> String {
        self.pick(
            "This browser cannot open the trail here (it needs DecompressionStream); the trail is in evidence/<contract>.md beside this page.".into(),
            "此浏览器无法在本页打开追溯（需要 DecompressionStream）；追溯见本页旁的 evidence/<合同>.md。".into(),
        )
    }
}
