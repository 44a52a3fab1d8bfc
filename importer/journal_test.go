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
	want := journalHeader{Kind: journalKind, Version: journalVersion, Input: "in.csv", Account: "me", Server: "http://x", Mapping: "cd", Mode: ModeCreate}
	f.Add([]byte(`{"journal":"bangwo8-etl import journal","version":2,"input":"in.csv","account":"me","server":"http://x","mapping_sha256":"cd","mode":"create"}` +
		"\n" + `{"row":2,"id":"key:a","key":"a","action":"creating"}` + "\n" + `{"row":2,"id":"key:a","key":"a","action":"created","uId":5}` + "\n" + `{"row":3,"ac`))
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
		for id, e := range j.done {
			if e.Row <= 0 || id == "" || j.intents[id] {
				t.Errorf("row %d (%s) done and intended", e.Row, id)
			}
		}
		j.close()
	})
}
