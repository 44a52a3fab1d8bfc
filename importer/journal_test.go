package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzJournal opens arbitrary bytes as the journal of a run: it is refused with an error
// naming the journal, or read; nothing panics.
func FuzzJournal(f *testing.F) {
	want := journalHeader{Kind: journalKind, Version: 1, Input: "in.csv", Size: 10, SHA256: "ab", Mapping: "cd", Mode: ModeCreate}
	f.Add([]byte(`{"journal":"bangwo8-etl import journal","version":1,"input":"in.csv","size":10,"sha256":"ab","mapping_sha256":"cd","mode":"create"}` +
		"\n" + `{"row":2,"key":"a","action":"creating"}` + "\n" + `{"row":2,"key":"a","action":"created","uId":5}` + "\n" + `{"row":3,"ac`))
	f.Add([]byte("not json\n"))
	f.Add([]byte("\n\n\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "run.jsonl")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		j, err := openJournal(path, want)
		if err != nil {
			if !strings.Contains(err.Error(), "journal") {
				t.Fatalf("error without the journal: %v", err)
			}
			return
		}
		for row := range j.done {
			if row <= 0 || j.intents[row] {
				t.Errorf("row %d done and intended", row)
			}
		}
		j.close()
	})
}
