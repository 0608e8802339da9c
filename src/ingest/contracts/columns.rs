//! The columns of each sheet, by name and Chinese alias, and one row seen through them.

use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use crate::ingest::header::{ColumnMap, ColumnSpec, optional, required};

pub(crate) const CONTRACT_COLUMNS: [ColumnSpec; 24] = [
    required("contract_id", &["合同编号"]),
    optional("customer", &["客户"]),
    optional("agent", &["代理商"]),
    optional("agent_tax_id", &["代理商税号"]),
    optional("provider", &["云厂商"]),
    optional("ruleset", &["规则集"]),
    required("accounts", &["账号"]),
    required("start", &["开始日期"]),
    required("end", &["结束日期"]),
    optional("currency", &["币种"]),
    optional("base", &["返点基数"]),
    required("tier_basis", &["阶梯口径"]),
    required("tier_mode", &["阶梯方式"]),
    optional("cap", &["封顶"]),
    required("settlement", &["结算周期"]),
    optional("due_days", &["付款期限"]),
    optional("grace_days", &["宽限天数"]),
    optional("renewed_on", &["续约日期"]),
    optional("invoice", &["发票要求"]),
    optional("tax_rate", &["税率"]),
    optional("late_interest", &["逾期利率"]),
    optional("payout_kind", &["返点方式"]),
    optional("clawback", &["返点追回"]),
    optional("entity", &["收款主体"]),
];

pub(super) mod column {
    pub const CONTRACT_ID: usize = 0;
    pub const CUSTOMER: usize = 1;
    pub const AGENT: usize = 2;
    pub const AGENT_TAX_ID: usize = 3;
    pub const PROVIDER: usize = 4;
    pub const RULESET: usize = 5;
    pub const ACCOUNTS: usize = 6;
    pub const START: usize = 7;
    pub const END: usize = 8;
    pub const CURRENCY: usize = 9;
    pub const BASE: usize = 10;
    pub const TIER_BASIS: usize = 11;
    pub const TIER_MODE: usize = 12;
    pub const CAP: usize = 13;
    pub const SETTLEMENT: usize = 14;
    pub const DUE_DAYS: usize = 15;
    pub const GRACE_DAYS: usize = 16;
    pub const RENEWED_ON: usize = 17;
    pub const INVOICE: usize = 18;
    pub const TAX_RATE: usize = 19;
    pub const LATE_INTEREST: usize = 20;
    pub const PAYOUT_KIND: usize = 21;
    pub const CLAWBACK: usize = 22;
    pub const ENTITY: usize = 23;
}

pub(crate) const TIER_COLUMNS: [ColumnSpec; 5] = [
    required("contract_id", &["合同编号"]),
    required("from", &["下限"]),
    optional("to", &["上限"]),
    required("rate", &["返点比例", "比例"]),
    // Empty: the contract's own table; an amendment id: that amendment's new table.
    optional("amendment", &["变更编号"]),
];

pub(crate) const PRODUCT_COLUMNS: [ColumnSpec; 3] = [
    required("contract_id", &["合同编号"]),
    required("product", &["产品"]),
    required("coefficient", &["系数"]),
];

pub(crate) const SCHEDULE_COLUMNS: [ColumnSpec; 4] = [
    required("contract_id", &["合同编号"]),
    required("installment", &["期次"]),
    required("trigger", &["触发条件", "触发"]),
    required("portion", &["比例", "分期比例"]),
];

/// The `amendments` sheet (`变更`): one row per change of a contract's terms.
pub(crate) const AMENDMENT_COLUMNS: [ColumnSpec; 6] = [
    required("contract_id", &["合同编号"]),
    required("amendment", &["变更编号"]),
    required("effective_from", &["生效日期"]),
    required("change", &["变更内容", "变更项"]),
    optional("value", &["新值", "变更值"]),
    optional("retroactive", &["追溯", "是否追溯"]),
];

/// A parsed sheet row: the map, the row and where it is.
pub(super) struct RowContext<'a> {
    pub(super) map: &'a ColumnMap,
    pub(super) specs: &'a [ColumnSpec],
    pub(super) cells: &'a [Cell],
    pub(super) location: Location,
}

impl RowContext<'_> {
    pub(super) fn cell(&self, spec: usize) -> &Cell {
        self.map.cell(self.cells, spec)
    }

    pub(super) fn at(&self, spec: usize) -> Location {
        self.location
            .at_column(self.map.header(spec, self.specs[spec].name))
    }

    pub(super) fn text(&self, spec: usize) -> Option<String> {
        let text = self.cell(spec).to_text();
        (!text.is_empty()).then_some(text)
    }
}
