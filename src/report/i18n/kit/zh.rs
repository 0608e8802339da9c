//! 入门套件（中文）。

use super::{ColumnHelp, KitSentences};

/// The Chinese table.
pub(super) struct Chinese;

const fn help(meaning: &'static str, accepted: &'static str, example: &'static str) -> ColumnHelp {
    ColumnHelp {
        meaning,
        accepted,
        example,
    }
}

impl KitSentences for Chinese {
    fn readme_sheet(&self) -> &'static str {
        "说明"
    }

    fn readme_title(&self) -> &'static str {
        "rebate-audit 入门套件：如何填写本工作簿"
    }

    fn readme_intro(&self) -> &'static [&'static str] {
        &[
            "本工作簿记录返点合同：「合同」表每行一份合同，「阶梯」表是返点阶梯，「产品系数」表（可选）是产品权重，「分期」表（可选）是分期付款，「变更」表（可选）是合同期中的变更（新阶梯表、新结束日期、产品系数、增加或移除账号）。其他工作表（例如本表）不会被读取。",
            "请保留工作表名称和表头行；列的顺序不限，自己加的列（如备注）会被忽略。带下拉框的单元格列出了可填的词；日期、金额和百分比的格式已设置好。",
            "payouts.xlsx 是已收返点的台账（每笔到账一行）；billing/ 文件夹放云账单（这里是一个小样例）；audit.toml 写明各文件的位置。",
            "运行审计：在本文件夹执行 rebate-audit run --config audit.toml，然后打开 audit-out/report.html。",
            "任何读不懂的单元格都会停止运行，并指出文件、工作表、行、列，以及应填什么、实际填了什么：不做任何猜测。",
        ]
    }

    fn readme_example(&self) -> &'static [&'static str] {
        &[
            "示例合同 DEMO-2026-001 用 billing/sample.csv 审计，审计日期 2026-08-31（audit.toml 中的 as_of）：",
            "2026-Q1：ECS 125,000.00 + RDS 20,000.00 按系数 0.5 = 135,000.00，超过 100,000，全额按 3%（全额累进）：4,050.00，应于 2026-04-30 前支付（季度结束后 30 天）。",
            "2026-Q2：ECS 80,000.00 + RDS 8,000.00 × 0.5 = 84,000.00，不足 100,000，按 2%：1,680.00，应于 2026-07-30 前支付。",
            "payouts.xlsx 为空，所以两期都报告为未支付：2 个错误，共短付 5,730.00（退出码 1）。",
            "在 payouts.xlsx 中填入这一行再运行：PAY-0001 | DEMO-2026-001 | 2026-04-28 | 4050 | CNY | 现金返还 | 2026-Q1 | （空） | 26312000000012345678 | 2026-04-28 | 4050 | 6% | 增值税专用发票 | 91310000MA1K000000。2026-Q1 已付，只剩 2026-Q2。",
            "发票各列留空，这笔款会被报告为发票不符（mis_invoiced，合同要求 6% 的增值税专用发票）；到账日期晚于 2026-04-30 则报告为逾期（late）。",
            "之后把示例行换成您的合同，把云账单放进 billing/（删除 sample.csv），把 audit.toml 的 as_of 改为 \"last-month-end\"，运行同一条命令。",
        ]
    }

    fn readme_headings(&self) -> [&'static str; 6] {
        ["工作表", "列", "是否必填", "含义", "可填的值", "示例"]
    }

    fn required(&self, required: bool) -> &'static str {
        if required { "必填" } else { "可选" }
    }

    fn words_label(&self) -> &'static str {
        "可用的词（下列任一写法均可；大小写、空格、_ 和 - 不影响）："
    }

    fn ledger_label(&self) -> &'static str {
        "payouts.xlsx"
    }

    fn ledger_sheet(&self) -> &'static str {
        "返点台账"
    }

    fn column(&self, sheet: &str, column: &str) -> Option<ColumnHelp> {
        Some(match (sheet, column) {
            ("contracts", "contract_id") => help(
                "合同编号，其他工作表和返点台账用它指代合同。",
                "任意文字，本表内不可重复。",
                "DEMO-2026-001",
            ),
            ("contracts", "customer") => help(
                "产生云账单、从而带来返点的终端客户。",
                "任意文字；可留空。",
                "示例客户有限公司",
            ),
            ("contracts", "agent") => help(
                "支付返点的云厂商或分销商。",
                "任意文字；可留空。",
                "示例云代理商",
            ),
            ("contracts", "agent_tax_id") => help(
                "应开具返点发票一方的税号。",
                "任意文字；留空：不核对开票方。",
                "91310000MA1K000000",
            ),
            ("contracts", "provider") => help(
                "云厂商，决定使用哪套账单规则。",
                "从列表中选择；留空：generic；其他词：使用通用规则。",
                "generic",
            ),
            ("contracts", "ruleset") => help(
                "不使用云厂商自己的规则集时，指定的规则集。",
                "从列表中选择；留空：云厂商的规则集。",
                "",
            ),
            ("contracts", "accounts") => help(
                "合同覆盖的云账号 ID。",
                "多个账号用 , ; 或 、 分隔（按文本保存，长账号不丢位）。",
                "1002003001",
            ),
            ("contracts", "start") => help("合同期的第一天。", "日期。", "2026-01-01"),
            ("contracts", "end") => help(
                "合同期的最后一天（含当天）。",
                "日期，不早于开始日期。",
                "2026-12-31",
            ),
            ("contracts", "currency") => help(
                "合同币种。",
                "ISO 币种代码（列表中的或其他）；留空：CNY。",
                "CNY",
            ),
            ("contracts", "base") => help(
                "返点按账单的哪个金额计算。",
                "留空：应付金额（net）。",
                "应付金额",
            ),
            ("contracts", "tier_basis") => help(
                "按哪个量确定阶梯：每个结算期的量、合同年度累计量或整个合同期累计量。",
                "必填。",
                "结算周期",
            ),
            ("contracts", "tier_mode") => help(
                "全额累进：全部金额按达到的阶梯比例；超额累进：每段按各自比例。",
                "必填。",
                "全额累进",
            ),
            ("contracts", "cap") => help(
                "每个合同年度返点的上限（阶梯口径为合同期时为整个合同期）。",
                "金额，0 或以上；留空：无上限。",
                "50,000.00",
            ),
            ("contracts", "settlement") => help("返点多久结算、支付一次。", "必填。", "按季度"),
            ("contracts", "due_days") => help(
                "结算期结束后多少天内应支付返点。",
                "整数，0 到 3650；留空：0。",
                "30",
            ),
            ("contracts", "grace_days") => help(
                "到期后多少天内付款仍不算逾期。",
                "整数，0 到 3650；留空：规则集的默认值。",
                "",
            ),
            ("contracts", "renewed_on") => help(
                "合同续约的日期（以续约为触发条件的分期此时到期）。",
                "日期；留空：未续约。",
                "",
            ),
            ("contracts", "invoice") => help(
                "代理商每次现金返点应开具的发票。",
                "留空：不需要。",
                "增值税专用发票",
            ),
            ("contracts", "tax_rate") => help(
                "该发票应有的增值税税率。",
                "百分比，如 6%；留空：不核对。",
                "6%",
            ),
            ("contracts", "late_interest") => help(
                "合同约定的逾期付款日利率。",
                "日利率百分比，如 0.05%（万分之五），最高 1%；留空：无。",
                "",
            ),
            ("contracts", "payout_kind") => help("返点的支付方式。", "留空：现金。", "现金返还"),
            ("contracts", "clawback") => help(
                "退款使某期返点为负时的处理：冲减（应退回）、结转（从以后各期返点中扣减，合同期末失效）、不追回。",
                "留空：未约定，按冲减计算；扣减追回款的付款会被标出。",
                "结转",
            ),
            ("contracts", "entity") => help(
                "应收返点的集团公司，用于应计（accruals.xlsx）：返点常归属于被计费公司以外的子公司。",
                "公司名称；留空：客户。",
                "",
            ),
            ("tiers", "contract_id") => help(
                "该阶梯所属的合同。",
                "「合同」表中的合同编号。",
                "DEMO-2026-001",
            ),
            ("tiers", "from") => help("该阶梯的起点（含）。第一个阶梯从 0 开始。", "金额。", "0"),
            ("tiers", "to") => help(
                "该阶梯的终点（不含），即下一阶梯的下限。",
                "大于下限的金额；留空：无上限（仅最后一档）。",
                "100,000.00",
            ),
            ("tiers", "rate") => help(
                "该阶梯的返点比例；第一档为 0% 即最低消费。",
                "百分比，如 2%（或 0.02）。",
                "2%",
            ),
            ("products", "contract_id") => help(
                "要调整产品权重的合同。",
                "「合同」表中的合同编号。",
                "DEMO-2026-001",
            ),
            ("products", "product") => help(
                "计入返点基数时权重不是 1 的产品。",
                "规则集中的产品代码或名称（ecs、rds、云数据库 RDS 版），或账单上的产品名。",
                "rds",
            ),
            ("products", "coefficient") => help(
                "该产品消费计入返点基数的权重；0 表示不计入。",
                "数字，0 或以上。",
                "0.5",
            ),
            ("schedule", "contract_id") => help("分期支付的合同。", "「合同」表中的合同编号。", ""),
            ("schedule", "installment") => help(
                "分期的序号；没有本表时每期一次付清。",
                "1、2、…… 连续编号，最多 100。",
                "1",
            ),
            ("schedule", "trigger") => help("该分期何时到期。", "必填。", "结算后"),
            ("schedule", "portion") => help(
                "该分期支付本期返点的比例。",
                "百分比，如 40%，或「剩余」（仅最后一期）；没有「剩余」时各期比例之和为 100%。",
                "40%",
            ),
            ("tiers", "amendment") => help(
                "合同本身的阶梯留空；填写变更编号表示该行属于该变更的新阶梯表。",
                "留空，或「变更」表中变更内容为阶梯的变更编号。",
                "",
            ),
            ("amendments", "contract_id") => help(
                "变更（补充协议）所修改的合同。",
                "「合同」表中的合同编号。",
                "DEMO-2026-001",
            ),
            ("amendments", "amendment") => help(
                "变更编号，按该变更计算的每个结算期都会注明。",
                "任意文字；每行一项变更，多行可共用一个编号。",
                "A-1",
            ),
            ("amendments", "effective_from") => help(
                "变更生效的日期。",
                "合同期内的日期；不追溯的新阶梯表须从某个结算期的第一天生效。",
                "2026-07-01",
            ),
            ("amendments", "change") => help(
                "变更内容：阶梯（新阶梯表，各档写在「阶梯」表并填本编号）、结束日期、系数（产品新系数）、增加账号或移除账号（转移账号即同日两行）。",
                "必填。",
                "阶梯",
            ),
            ("amendments", "value") => help(
                "新值：结束日期变更填新的结束日；阶梯变更留空；系数变更填产品及其系数（RDS=0.5）；账号变更填账号。",
                "结束日期变更填日期；阶梯变更留空；系数变更填 RDS=0.5；一个账号。",
                "",
            ),
            ("amendments", "retroactive") => help(
                "新阶梯表是否同时重算本合同年度此前的基数（差额在生效的结算期支付）。",
                "留空表示不追溯。",
                "不追溯",
            ),
            ("payouts", "payout_id") => help(
                "这笔到账的流水号，在所有台账中唯一。",
                "任意文字。",
                "PAY-0001",
            ),
            ("payouts", "contract_id") => help(
                "这笔款项对应的合同。",
                "合同工作簿中的合同编号。",
                "DEMO-2026-001",
            ),
            ("payouts", "paid_on") => help("款项到账的日期。", "日期。", "2026-05-06"),
            ("payouts", "amount") => help("到账金额。", "金额。", "4,050.00"),
            ("payouts", "currency") => help("到账币种。", "ISO 币种代码；留空：合同币种。", "CNY"),
            ("payouts", "kind") => help("支付方式。", "留空：合同的返点方式。", "现金返还"),
            ("payouts", "period") => help(
                "代理商注明的这笔款所属的结算期。",
                "2026-03、2026-Q1 或 2026（按文本保存）；留空：先冲抵最早未付的一期。",
                "2026-Q1",
            ),
            ("payouts", "installment") => help(
                "合同有分期时，这笔款支付的期次。",
                "整数，1 或以上；可留空。",
                "",
            ),
            ("payouts", "invoice_no") => help(
                "发票号码（按文本保存，20 位全电发票号不丢位）。",
                "任意文字；可留空。",
                "26312000000012345678",
            ),
            ("payouts", "invoice_date") => help("开票日期。", "日期；可留空。", "2026-05-06"),
            ("payouts", "invoice_amount") => help("发票价税合计。", "金额；可留空。", "4,050.00"),
            ("payouts", "invoice_tax_rate") => {
                help("发票上的增值税税率。", "百分比，如 6%；可留空。", "6%")
            }
            ("payouts", "invoice_type") => help("收到的发票类型。", "可留空。", "增值税专用发票"),
            ("payouts", "invoice_issuer") => {
                help("开票方的税号。", "任意文字；可留空。", "91310000MA1K000000")
            }
            ("payouts", "reference") => help(
                "银行或代理商给这笔转账的参考号：金额、日期和参考号都相同的两行是同一笔款项记了两次（重复付款）。",
                "任意文字；可留空。",
                "RB-2025-0042",
            ),
            _ => return None,
        })
    }

    fn example_parties(&self) -> (&'static str, &'static str) {
        ("示例客户有限公司", "示例云代理商")
    }

    fn toml_header(&self) -> &'static str {
        "rebate-audit 设置：`rebate-audit run` 的每个选项，审计只需一条命令：\n\
         \n\
         \x20   rebate-audit run --config audit.toml\n\
         \n\
         相对路径以本文件所在文件夹为准。命令行上给出的选项优先于本文件。未知的键或错误的值\n\
         会停止运行（退出码 2），并指出本文件、行号和键。以 # 开头的行是注释：去掉 # 即启用该设置。"
    }

    fn toml_key(&self, key: &str) -> Option<&'static str> {
        Some(match key {
            "contracts" => {
                "合同工作簿（或包含 contracts.csv、tiers.csv、products.csv、schedule.csv、amendments.csv 的文件夹）。"
            }
            "billing" => {
                "云账单：一个路径或路径列表；文件夹会递归查找；支持通配符（*、?、**）。\n放入您自己的账单后请删除 billing/sample.csv。"
            }
            "payouts" => "返点台账：一个路径或路径列表，同 billing。",
            "statements" => {
                "可选：代理商结算单，一个路径或路径列表，同 billing；逐期与重算结果核对。"
            }
            "as_of" => {
                "审计日期：按这一天判断哪些返点已到期。日期，或 \"today\"、\"yesterday\"、\"last-month-end\"。\n示例的结果以 2026-08-31 为准；审计您自己的数据时请用 \"last-month-end\"。"
            }
            "out" => {
                "报告文件夹（不存在时自动创建）：report.html、summary、findings.json/.csv/.xlsx。"
            }
            "rulesets" => "存放规则集 TOML 文件的文件夹，补充（并覆盖）内置规则集。",
            "format" => {
                "把所有账单都按此格式读取，而不是按表头识别（`rebate-audit formats` 列出所有格式）。"
            }
            "fail_on" => "使退出码为 1 的最低严重程度：\"info\"、\"warning\"（默认）、\"error\"。",
            "fail_on_new" => "有基线时：只有基线之后新出现的问题才使退出码为 1。",
            "baseline" => "之前一次运行的 findings.json：每个问题标记为新出现或持续存在。",
            "lang" => "报告的语言：\"en\" 或 \"zh\"。",
            "threads" => "工作线程数（默认每个 CPU 核一个）；线程数不影响报告内容。",
            "evidence" => "为每份有问题的合同生成证据包：false、true（放在 out 中）或一个文件夹。",
            "quiet" => "成功时不输出摘要行和进度条（用于 cron）。",
            "log_format" => "标准错误上的日志格式：\"human\"（默认）或 \"json\"。",
            "limits" => {
                "防御恶意输入的上限，超出则拒绝整个文件（默认值如下，适用于任何真实账单）。\n大小可写字节数或带单位的文字，如 \"256 MiB\"。此表必须放在所有其他键之后。"
            }
            "whole_workbook_size" => ".xls 或 .ods 文件（整体载入）",
            "streamed_workbook_size" => ".xlsx、.xlsm 或 .xlsb 文件",
            "workbook_part_size" => "工作簿中工作表以外的部件，解压后",
            "sheet_part_size" => "一个工作表部件，解压后",
            "shared_strings_size" => ".xlsx 的共享字符串表，解压后",
            "xml_token_size" => "XML 部件中最长的文字或标签",
            "zip_member_size" => ".zip 中的 CSV 或 .gz 的内容，解压后",
            "parquet_metadata_size" => "Parquet 文件尾部的元数据",
            "parquet_row_group_size" => "Parquet 行组，解压后",
            "csv_record_size" => "最长的 CSV 记录（更长的一行会被拒绝）",
            "sheet_cells" => "一个工作表的单元格数",
            "sheet_columns" => "读取的最宽一行，最多 16384 列",
            "inflation_ratio" => "工作表解压后超过压缩大小的这一倍数……",
            "inflation_floor_size" => "……且超过这一大小时，在读取前即被拒绝",
            _ => return None,
        })
    }

    fn wrote(&self, dir: &str) -> String {
        format!("已在 {dir} 生成入门套件：")
    }

    fn file(&self, name: &str) -> &'static str {
        match name {
            "contracts.xlsx" => "合同工作簿：含一份示例合同；「说明」表解释每一列",
            "payouts.xlsx" => "返点台账：每笔到账的返点一行（空）",
            "audit.toml" => "审计设置，每个键都有注释",
            _ => "通用模板格式的小账单，对应示例合同",
        }
    }

    fn next(&self, command: &str, report: &str) -> String {
        format!(
            "下一步，审计示例（2 期未支付，「说明」表有解释）：\n  {command}\n然后打开 {report}"
        )
    }

    fn then(&self) -> &'static str {
        "之后把示例换成您的合同、账单和返点台账，运行同一条命令。"
    }

    fn exists(&self, path: &str) -> String {
        format!("{path}：文件已存在；init 不会覆盖已有文件（加 --force 可覆盖本套件的文件）")
    }
}
