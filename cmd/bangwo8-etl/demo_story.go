package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/exporter"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
)

// story prints what the demo does, step by step, in the language of the people who run it.
// Both languages of each line sit together here.
type story struct {
	w    io.Writer
	dir  string // the files are named by their path in it
	l    lang.Lang
	step int
}

func (s *story) say(zh, en string, args ...any) {
	fmt.Fprintf(s.w, s.l.Pick(zh, en), args...)
	fmt.Fprintln(s.w)
}

func (s *story) next(zh, en string, args ...any) {
	s.step++
	fmt.Fprintf(s.w, "\n%d. ", s.step)
	s.say(zh, en, args...)
}

func (s *story) file(name string) {
	s.say("   文件：%s", "   file: %s", filepath.Join(s.dir, name))
}

func (s *story) begin(dir string) {
	s.say("bangwo8-etl 演示：在内置的沙箱上走一遍 导入 → 导出 → 增量导出 → 错误报告。",
		"bangwo8-etl demo: import -> export -> incremental export -> error report, on a built-in sandbox.")
	s.say("所有文件都在这个目录：%s", "Every file is in this directory: %s", dir)
}

func (s *story) sandbox(url, db string) {
	s.next("启动内置沙箱（模拟帮我吧的公司接口，只在本机可访问）：%s，数据存在 %s。",
		"Started a built-in sandbox (a copy of Bangwo8's company API, reachable from this machine only) at %s; its data is in %s.",
		url, db)
}

func (s *story) imported(input string, sum *importer.Summary, report string) {
	s.next("导入示例表格 %s：%d 行，新建 %d 家公司，%d 行有错误。每行的结果在导入报告里。",
		"Imported the sample sheet %s: %d rows, %d companies created, %d rows invalid. The import report has each row's outcome.",
		input, sum.Rows, sum.Created, sum.Invalid)
	s.file(report)
}

func (s *story) exported(sum *exporter.Summary, xlsx, csv, state string) {
	s.next("导出全部公司：%d 家（另有 %d 家已删除，未导出；加 --include-deleted 可导出）。同一份数据导出成 Excel 和 CSV（UTF-8，Excel 可直接打开）。",
		"Exported every company: %d (and %d deleted ones left out; add --include-deleted to get them), to Excel and to CSV (UTF-8, opens in Excel).",
		sum.Companies, sum.Deleted)
	s.file(xlsx)
	s.file(csv)
	s.say("   状态文件（记住导出到哪里了，下次只导出有变化的）：%s", "   state file (remembers how far the export got, so the next run writes only changes): %s",
		filepath.Join(s.dir, state))
}

func (s *story) changed(company string, sum *exporter.Summary, out string) {
	s.next("在沙箱里修改了一家公司（%s：客户级别改为「战略」，备注也改了），再用同一个状态文件做增量导出：只导出了 %d 家有变化的公司，其余 %d 家没有变化，跳过。",
		"Changed one company in the sandbox (%s: level set to 战略, note edited), then exported again with the same state file: %d changed company written, %d unchanged ones skipped.",
		company, sum.Companies, sum.Unchanged)
	s.file(out)
}

func (s *story) validated(input string, sum *importer.Summary, report string) {
	s.next("检查有错误的示例表格 %s（不调用接口，不需要密码）：%d 行中 %d 行有错误。",
		"Checked the sample sheet with mistakes %s (no API call, no password): %d rows, %d invalid.",
		input, sum.Rows, sum.Invalid)
	s.say("   打开错误报告：有错误的行排在最前面，错的单元格标红，鼠标移到单元格上可以看到批注：哪里错了、应该怎么写。改好后可以直接导入这个报告文件。",
		"   Open the error report: invalid rows come first, each bad cell is red, and its comment says what is wrong and what would be right. Fix the cells and import the report file itself.")
	s.file(report)
}

func (s *story) end(took time.Duration) {
	s.say("\n完成，用时 %.1f 秒。下一步：", "\nDone in %.1f s. Next:", took.Seconds())
	// The mapping the demo used is in its directory: the binary alone is enough to go on.
	mappingFile := filepath.Join(s.dir, "mapping.yaml")
	s.say("  bangwo8-etl template --mapping \"%s\" --out 模板.xlsx   # 生成给同事填写的空白模板",
		"  bangwo8-etl template --mapping \"%s\" --out template.xlsx   # a blank sheet for colleagues to fill in", mappingFile)
	// The sandbox takes its (local, made-up) password from the environment like every command.
	s.say("  BANGWO8_PASSWORD=secret bangwo8-etl sandbox --db sandbox.db --account test --seed-companies 1000  # 启动一个长期运行的沙箱，先在上面演练",
		"  BANGWO8_PASSWORD=secret bangwo8-etl sandbox --db sandbox.db --account test --seed-companies 1000  # a lasting sandbox to rehearse on")
	s.say("  bangwo8-etl --help   # 全部命令和示例",
		"  bangwo8-etl --help   # every command, with examples")
}
