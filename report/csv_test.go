package report

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bangwo8-etl/bangwo8-etl/lang"
)

// errDiskFull is what failAfter's writes return once its room is used up.
var errDiskFull = errors.New("no space left on device")

// failAfter is a disk with room for n bytes: a write beyond them is cut short and fails.
type failAfter struct {
	n       int
	written bytes.Buffer
}

func (f *failAfter) Write(p []byte) (int, error) {
	room := f.n - f.written.Len()
	if len(p) > room {
		f.written.Write(p[:max(room, 0)])
		return max(room, 0), errDiskFull
	}
	return f.written.Write(p)
}

func TestCSVReportLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "报告.csv")
	r, err := NewCSV(path, lang.English)
	if err != nil {
		t.Fatal(err)
	}
	rows := []Row{
		{Row: 2, Action: ActionCreated, UID: "1000001", Key: "acc-1", Changed: "companyName,serviceaccount", Cells: []string{"not", "shown"}},
		{Row: 3, Action: ActionInvalid, Key: "=1+2", Rule: "required,date", Error: "@SUM(A1)", Note: "多行\n说明"},
		{Row: 5, Action: ActionSkipped, Note: "not written: the run stopped", Asset: "7"},
		{Row: 6, Action: ActionUpdated, UID: "1000002", Plan: "第 6 行：已更新 乙公司\n    公司名称：=A → 乙公司"},
	}
	for _, row := range rows {
		if err := r.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the report is at its path before Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, bomUTF8) {
		t.Errorf("no byte order mark: %q", data[:min(len(data), 10)])
	}
	got, err := csv.NewReader(bytes.NewReader(data[len(bomUTF8):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"row", "action", "uId", "key", "changed", "rule", "error", "note", "asset", "plan"},
		{"2", "created", "1000001", "acc-1", "companyName,serviceaccount", "", "", "", "", ""},
		{"3", "invalid", "", "'=1+2", "", "required,date", "'@SUM(A1)", "多行\n说明", "", ""},
		{"5", "skipped", "", "", "", "", "", "not written: the run stopped", "7", ""},
		{"6", "updated", "1000002", "", "", "", "", "", "", "第 6 行：已更新 乙公司\n    公司名称：=A → 乙公司"},
	}
	if len(got) != len(want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("line %d: %q, want %q", i+1, got[i], want[i])
		}
	}
}

func TestCSVReportWithoutRowsHasItsHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	r, err := Create(path, Options{Lang: lang.English})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "\uFEFFrow,action,uId,key,changed,rule,error,note,asset,plan\n" {
		t.Errorf("empty report %q", data)
	}
}

// TestCSVReportOnAFullDisk is the hang of issue 10: the report's writer failed in a goroutine
// of its own and the next rows blocked forever. Now the write that fails returns the error,
// naming the report, within the first rows past the disk's room.
func TestCSVReportOnAFullDisk(t *testing.T) {
	disk := &failAfter{n: 64 << 10}
	r, err := NewCSVWriter("/mnt/full/报告.csv", disk, lang.English)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	rowsWritten := 0
	go func() {
		for i := range 20_000 {
			if err := r.Write(Row{Row: i + 2, Action: ActionValid, Key: "acc-0000000001"}); err != nil {
				done <- err
				return
			}
			rowsWritten++
		}
		done <- r.Close()
	}()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("writing the report hangs")
	}
	if !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), "report /mnt/full/报告.csv: ") {
		t.Fatalf("error %v, want the full disk's, naming the report", err)
	}
	// A row is about 20 bytes; the csv writer's buffer (4 KiB) holds what the disk has not.
	if maxRows := (64<<10+4096)/20 + 1; rowsWritten > maxRows {
		t.Errorf("%d rows written before the error, want at most %d", rowsWritten, maxRows)
	}
	if err := r.Write(Row{Row: 1}); err == nil {
		t.Error("a write after the error succeeded")
	}
}

func TestCSVReportAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	r, err := NewCSV(filepath.Join(dir, "r.csv"), lang.English)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(Row{Row: 2, Action: ActionValid}); err != nil {
		t.Fatal(err)
	}
	r.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestCreateByEnding(t *testing.T) {
	if r, err := Create("", Options{}); err != nil || r != (Discard{}) {
		t.Errorf(`"": %v, %v`, r, err)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "r.txt"), Options{}); err == nil || !strings.Contains(err.Error(), "want a .csv or .xlsx file") {
		t.Errorf(".txt: %v", err)
	}
	if !ShowsCells("a/B.XLSX") || ShowsCells("b.csv") {
		t.Error("ShowsCells: only a workbook shows the input's cells")
	}
}

// TestCSVReportInChinese: the default report speaks Chinese: its header, its status words.
func TestCSVReportInChinese(t *testing.T) {
	path := filepath.Join(t.TempDir(), "报告.csv")
	r, err := NewCSV(path, lang.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(Row{Row: 2, Action: ActionDone, Note: lang.Chinese.NoteDoneEarlier("created")}); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "行号" || recs[0][1] != "处理结果" || recs[1][1] != "此前已完成" || !strings.Contains(recs[1][7], "上次运行已完成（已新建）") {
		t.Errorf("report %q", recs)
	}
	if a, ok := lang.ActionOf(recs[1][1]); !ok || Action(a) != ActionDone {
		t.Errorf("status %q reads back as %q", recs[1][1], a)
	}
}
