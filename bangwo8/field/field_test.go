package field

import "testing"

func TestTable(t *testing.T) {
	seen := map[Key]bool{}
	for _, f := range All() {
		if seen[f.Key] {
			t.Errorf("%s twice", f.Key)
		}
		seen[f.Key] = true
		if got, ok := Lookup(f.Key); !ok || got != f {
			t.Errorf("Lookup(%s) = %+v, %v; want %+v", f.Key, got, ok, f)
		}
		if f.Label == "" {
			t.Errorf("%s has no label", f.Key)
		}
	}
	if len(seen) != 21 {
		t.Errorf("%d fields, the vendor documents 21", len(seen))
	}
	if f, ok := Lookup(CreateDT); !ok || !f.ReadOnly || f.Label != "创建时间" || f.Kind != DateTime {
		t.Errorf("Lookup(createDT) = %+v, %v", f, ok)
	}
	if _, ok := Lookup("uid"); ok {
		t.Error("Lookup ignores case")
	}
	kind := func(k Key) Kind { f, _ := Lookup(k); return f.Kind }
	if !kind(Status).Integer() || !kind(UID).Integer() || kind(CompanyName).Integer() {
		t.Error("Kind.Integer is wrong for status, uId or companyName")
	}
}

// TestAllIsACopy: a caller that changes what All returned changes nothing for the others.
func TestAllIsACopy(t *testing.T) {
	All()[0].Label = "changed"
	if All()[0].Label == "changed" {
		t.Error("All returns the table itself")
	}
	if f, _ := Lookup(All()[0].Key); f.Label == "changed" {
		t.Error("Lookup sees a caller's change")
	}
}
