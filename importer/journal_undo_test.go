package importer

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/report"
	"github.com/bangwo8-etl/bangwo8-etl/sandbox/sandboxtest"
)

// TestJournalKeepsWhatUndoNeeds imports an update and a create with a journal and reads the
// journal back: the service it ran against, the update's intent before its outcome, each
// changed field's value before and after as the API holds them (a list stays a list, an
// amount as the service stored it), no password, and the create's uId.
func TestJournalKeepsWhatUndoNeeds(t *testing.T) {
	ts, c, _ := newSandbox(t, sandboxtest.WithFixtures([]byte(fixtures)))
	in := tempPath(t, "in.csv")
	writeCSV(t, in, [][]string{testHeader,
		{"", "乙公司", "acc-2", "2018-05-06", "12.5", "s3cr3t-pw", "上海市/浦东"},
		{"", "新公司", "acc-9", "", "", "", ""},
	}, "utf8")
	path := tempPath(t, "run.jsonl")
	opts := Options{Journal: path, MappingDigest: "m1", Account: ts.Account, Server: ts.URL}
	sum, err := Import(context.Background(), c, in, testMapping(t, "serviceaccount"), opts)
	if err != nil || sum.Updated != 1 || sum.Created != 1 {
		t.Fatalf("import: %v %+v", err, sum)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "s3cr3t") {
		t.Errorf("the journal holds the password:\n%s", raw)
	}

	j, err := ReadJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if j.Account != ts.Account || j.Server != ts.URL || j.Version != journalVersion || j.Mode != ModeUpsert {
		t.Errorf("header: %+v", j)
	}
	var actions []report.Action
	var updated, intent JournalEntry
	for _, e := range j.Entries {
		actions = append(actions, e.Action)
		switch e.Action {
		case report.ActionUpdated:
			updated = e
		case ActionUpdating:
			intent = e
		case report.ActionCreated:
			if e.UID == 0 || e.Row != 3 {
				t.Errorf("created entry %+v: want row 3 with its uId", e)
			}
		}
	}
	if updated.UID != 102 || intent.UID != 102 || updated.Row != 2 {
		t.Fatalf("entries %v: updated %+v, intent %+v", actions, updated, intent)
	}
	if i, u := indexOf(actions, ActionUpdating), indexOf(actions, report.ActionUpdated); i > u {
		t.Errorf("entries %v: the intent comes after the outcome", actions)
	}

	want := map[string][2]bangwo8.FieldValue{
		"serviceCharge":  {bangwo8.Text("0.00"), bangwo8.Text("12.50")},
		"custom.field_1": {bangwo8.List("北京市", "海淀区"), bangwo8.List("上海市", "浦东")},
	}
	seen := map[string]bool{}
	for _, ch := range updated.Changes {
		seen[ch.Field] = true
		if ch.Field == "servicepassword" {
			if !ch.Sensitive || ch.Old != nil || ch.New != nil || ch.Header != "服务密码" {
				t.Errorf("password change %+v: want sensitive with no values", ch)
			}
			continue
		}
		w, ok := want[ch.Field]
		if !ok {
			t.Errorf("unexpected change %+v", ch)
			continue
		}
		if ch.Old == nil || ch.New == nil || !ch.Old.Equal(w[0]) || !ch.New.Equal(w[1]) {
			t.Errorf("%s: %v -> %v, want %v -> %v", ch.Field, ch.Old, ch.New, w[0], w[1])
		}
	}
	if len(seen) != 3 {
		t.Errorf("changes of fields %v, want serviceCharge, custom.field_1, servicepassword", seen)
	}
	for _, ch := range intent.Changes { // the intent holds the value sent
		if ch.Field == "serviceCharge" && (ch.New == nil || ch.New.String() != "12.5") {
			t.Errorf("intent %+v: want the value sent, 12.5", ch)
		}
	}

	// The same command again: the update's intent is not a row to redo.
	sum, err = Import(context.Background(), c, in, testMapping(t, "serviceaccount"), opts)
	if err != nil || sum.Skipped != 2 || sum.Updated+sum.Created != 0 {
		t.Errorf("again: %v %+v", err, sum)
	}
}

func indexOf[T comparable](s []T, v T) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// FuzzReadJournal reads arbitrary bytes as a journal: an error naming the journal, or
// entries that all have a row; nothing panics.
func FuzzReadJournal(f *testing.F) {
	f.Add([]byte(`{"journal":"bangwo8-etl import journal","version":2,"input":"in.csv","mode":"upsert","account":"a","server":"http://x"}` +
		"\n" + `{"row":2,"id":"key:a","action":"updating","uId":5,"changes":[{"field":"custom.f","old":["a"],"new":"b"}]}` + "\n" + `{"row":3,"ac`))
	f.Add([]byte("not json\n"))
	f.Add([]byte(`{"journal":"bangwo8-etl import journal","version":2}` + "\n" + `{"row":1,"id":"x","changes":[{"old":{}}]}` + "\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := dir + "/run.jsonl"
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		j, err := ReadJournal(path)
		if err != nil {
			if !strings.Contains(err.Error(), "journal") {
				t.Fatalf("error without the journal: %v", err)
			}
			return
		}
		for _, e := range j.Entries {
			if e.Row <= 0 || e.ID == "" {
				t.Errorf("entry %+v without a row", e)
			}
		}
	})
}
