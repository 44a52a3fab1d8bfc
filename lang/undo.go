package lang

// The words of an undo's plan and report. States are the values of undo.State (this package
// cannot import it: undo reads its words from here).

// undoWords says, per state, what undo will do (a plan) and what it did (a report), in both
// languages.
var undoWords = map[string]planDoneWords{
	"restore":          {"恢复", "restore", "已恢复", "restored"},
	"already_restored": {"已是导入前的值", "already as before", "已是导入前的值", "already as before"},
	"conflict": {"冲突：导入后又被改过，不覆盖", "conflict: changed again since the import, left alone",
		"冲突：导入后又被改过，未覆盖", "conflict: changed again since the import, left alone"},
	"not_kept":        {"不能恢复：导入记录不保存密码", "cannot restore: the journal keeps no passwords", "未恢复：导入记录不保存密码", "not restored: the journal keeps no passwords"},
	"delete":          {"删除（状态改为已删除）", "delete (status 2, deleted)", "已删除（状态改为已删除）", "deleted (status 2)"},
	"already_deleted": {"已是删除状态", "already deleted", "已是删除状态", "already deleted"},
	"not_found":       {"找不到这家公司", "company not found", "找不到这家公司", "company not found"},
	"failed":          {"失败", "failed", "失败", "failed"},
	"not_done":        {"未执行：撤销中途停止", "not done: the undo stopped", "未执行：撤销中途停止", "not done: the undo stopped"},
	"unknown": {"新建结果未知：先用同一条命令和同一个导入记录把导入跑完，再撤销", "create outcome unknown: finish the import first (the same command and journal), then undo",
		"新建结果未知：先用同一条命令和同一个导入记录把导入跑完，再撤销", "create outcome unknown: finish the import first (the same command and journal), then undo"},
}

// UndoState is the word for what undo will do (plan) or did with a field or a company.
func (l Lang) UndoState(state string, plan bool) string { return l.planOrDone(undoWords, state, plan) }

// undoCounts are the short words of the counts that end a plan, per state: planned, done.
var undoCounts = map[string]planDoneWords{
	"restore":          {"恢复", "restore", "已恢复", "restored"},
	"already_restored": {"已是导入前的值", "already as before", "已是导入前的值", "already as before"},
	"conflict":         {"冲突", "conflicts", "冲突", "conflicts"},
	"not_kept":         {"不能恢复的密码", "passwords not kept", "未恢复的密码", "passwords not kept"},
	"delete":           {"删除", "delete", "已删除", "deleted"},
	"already_deleted":  {"已是删除状态", "already deleted", "已是删除状态", "already deleted"},
	"not_found":        {"找不到", "not found", "找不到", "not found"},
	"failed":           {"失败", "failed", "失败", "failed"},
	"not_done":         {"未执行", "not done", "未执行", "not done"},
	"unknown":          {"新建结果未知", "creates of unknown outcome", "新建结果未知", "creates of unknown outcome"},
}

// UndoCount is the short word for a count of a state at the end of a plan (plan) or a result.
func (l Lang) UndoCount(state string, plan bool) string { return l.planOrDone(undoCounts, state, plan) }

// planOrDone looks state up in words and picks the plan's or the result's word in l; a state
// without words is itself.
func (l Lang) planOrDone(words map[string]planDoneWords, state string, plan bool) string {
	w, ok := words[state]
	switch {
	case !ok:
		return state
	case plan:
		return l.Pick(w.zhPlan, w.enPlan)
	}
	return l.Pick(w.zhDone, w.enDone)
}

// planDoneWords are a state's words in a plan and in a result, in Chinese and English.
type planDoneWords struct{ zhPlan, enPlan, zhDone, enDone string }

// UndoReportHeader names the columns of an undo report.
func (l Lang) UndoReportHeader() []string {
	if l == English {
		return []string{"uId", "company", "rows", "field", "before the import", "written by the import", "now", "outcome", "note"}
	}
	return []string{"公司ID", "公司名称", "导入行号", "字段", "导入前的值", "导入写入的值", "现在的值", "结果", "说明"}
}

// Empty stands for an empty value in a plan line.
func (l Lang) Empty() string { return l.Pick("（空）", "(empty)") }
