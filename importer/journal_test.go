package importer

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
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
	f.Add([]byte(`{"journal":"bangwo8-etl import journal","version":2,"input":"in.csv","account":"me","server":"http://x","mapping_sha256":"cd","mode":"create"}` +
		"\n" + `{"row":2,"id":"key:a","key":"a","action":"created","uId":5}` + "\n" + `{"row":3,"id":"ke{"row` + "\n" + `{"row":4,"id":"key:b","action":"created","uId":6}` + "\n"))
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

// TestJournalDamagedLine: a damaged line before the last is refused with every damaged line,
// the rows recorded before the first, and the way to recover; the journal is left as it was.
func TestJournalDamagedLine(t *testing.T) {
	want := journalHeader{Kind: journalKind, Version: journalVersion, Input: "in.csv", Account: "me", Server: "http://x", Mapping: "cd", Mode: ModeCreate}
	data := `{"journal":"bangwo8-etl import journal","version":2,"input":"in.csv","account":"me","server":"http://x","mapping_sha256":"cd","mode":"create"}
{"row":2,"id":"key:a","key":"a","action":"creating"}
{"row":2,"id":"key:a","key":"a","action":"created","uId":5}
{"row":3,"id":"key:b","key":"b","action":"created","uId":6}
{"row":4,"id":"key:c","ke{"row":5
{"row":5,"id":"key:d","key":"d","action":"created","uId":8}
garbage
{"row":6,"id":"key:e","key":"e","action":"created","uId":9}
`
	path := filepath.Join(t.TempDir(), "run.jsonl")
	os.WriteFile(path, []byte(data), 0o644)
	_, err := openJournal(path, want)
	var de *JournalDamageError
	if !errors.As(err, &de) || !slices.Equal(de.Lines, []int{5, 7}) || de.Kept != 2 {
		t.Fatalf("openJournal: %v (%+v)", err, de)
	}
	for _, s := range []string{"line 5, 7 are damaged", "The 2 rows recorded before line 5 are intact", "delete the damaged line"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%q lacks %q", err, s)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != data {
		t.Error("the damaged journal was changed")
	}
	// The lock was let go: the journal, once fixed, opens.
	fixed := strings.Replace(strings.Replace(data, "{\"row\":4,\"id\":\"key:c\",\"ke{\"row\":5\n", "", 1), "garbage\n", "", 1)
	os.WriteFile(path, []byte(fixed), 0o644)
	j, err := openJournal(path, want)
	if err != nil {
		t.Fatal(err)
	}
	defer j.close()
	if len(j.done) != 4 {
		t.Errorf("%d rows done, want 4", len(j.done))
	}
}
