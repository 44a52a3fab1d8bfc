package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/exporter"
	"github.com/bangwo8-etl/bangwo8-etl/importer"
	"github.com/bangwo8-etl/bangwo8-etl/internal/runlock"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
)

// inLanguage says, in Chinese first (unless --lang en), what the refusals that keep runs
// apart mean: a journal or state file another run holds, a damaged journal, a journal or
// state file of another server or account, an input file changed during the run. The English error follows in parentheses, as the
// header errors do. Other errors are returned as they are.
func inLanguage(err error, l lang.Lang) error {
	if l == lang.English {
		return err
	}
	var zh string
	var held *runlock.HeldError
	var damage *importer.JournalDamageError
	var bound *exporter.StateMismatchError
	switch {
	case errors.As(err, &held):
		who := "另一个运行"
		if h := held.Holder; h.PID != 0 {
			who = fmt.Sprintf("进程 %d", h.PID)
			if h.Host != "" {
				who += "（主机 " + h.Host + "）"
			}
			who += "，自 " + h.Since.Local().Format("2006-01-02 15:04:05") + " 起"
		}
		zh = fmt.Sprintf("%s 正被%s使用：同一个文件一次只能给一个运行用。请等它结束，或先停止它，再运行。", held.File, who)
	case errors.As(err, &damage):
		lines := make([]string, len(damage.Lines))
		for i, n := range damage.Lines {
			lines[i] = fmt.Sprint(n)
		}
		zh = fmt.Sprintf("日志 %s 的第 %s 行已损坏，什么都没有写入。第 %d 行之前记录的 %d 行完好。恢复的办法：用文本编辑器打开日志，删掉损坏的行，再运行同一条命令；那些行记录过的数据会先按匹配键查找，不会重复创建。",
			damage.Path, strings.Join(lines, "、"), damage.Lines[0], damage.Kept)
	case errors.Is(err, importer.ErrInputChanged):
		zh = "输入文件在运行中被保存或替换了：每一行只按检查过的样子写入，改动之后的行没有写。等文件保存好、不再改动后，再运行同一条命令（带 --journal 时已写的行会被认出，不会重复）。"
	case errors.Is(err, importer.ErrJournalMismatch):
		zh = "这个日志文件是另一次导入的（服务器、账号、映射文件或模式不同，详见括号里的英文）：它记录的进度不属于这次运行，不能用。请换一个日志文件。"
	case errors.As(err, &bound):
		zh = fmt.Sprintf("状态文件 %s 是为服务器 %s、账号 %s 写的，现在用的是服务器 %s、账号 %s：它记录的进度不属于这个服务，不能用。换一个状态文件（或删掉它，从头导出一次）。",
			bound.Path, bound.Server, bound.Account, bound.RunServer, bound.RunAccount)
	default:
		return err
	}
	return fmt.Errorf("%s\n(%w)", zh, err)
}

// server is the base URL as journals and state files record it: without the spaces and the
// trailing slash a person may or may not type.
func (f *apiFlags) server() string {
	return strings.TrimRight(strings.TrimSpace(f.baseURL), "/")
}
