package importer

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bangwo8-etl/bangwo8-etl/bangwo8"
	"github.com/bangwo8-etl/bangwo8-etl/lang"
)

// fakeAPI is a service whose creates go as a script says: each create either takes effect or
// not, and its answer is either heard or lost. Everything else reads what it holds.
type fakeAPI struct {
	mu        sync.Mutex
	companies []bangwo8.Company
	// script tells create number n (from 1) whether it takes effect and whether its answer is
	// lost; creates past the script take effect and are heard.
	script   []createOutcome
	creates  int
	searches int
}

type createOutcome struct{ takesEffect, answerLost bool }

var errLostAnswer = &bangwo8.AmbiguousWriteError{Method: "POST", Path: "/api/v1/companies.json", Err: errors.New("connection reset by peer")}

func (f *fakeAPI) CreateCompany(_ context.Context, in bangwo8.CompanyInput) (*bangwo8.Company, *bangwo8.Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates++
	out := createOutcome{takesEffect: true}
	if f.creates <= len(f.script) {
		out = f.script[f.creates-1]
	}
	var c bangwo8.Company
	if out.takesEffect {
		c = bangwo8.Company{UID: int64(1000 + f.creates), CompanyName: *in.CompanyName, ServiceAccount: *in.ServiceAccount}
		f.companies = append(f.companies, c)
	}
	if out.answerLost {
		return nil, nil, errLostAnswer
	}
	if !out.takesEffect {
		return nil, nil, errors.New("the script lets a create fail only with a lost answer")
	}
	return &c, &bangwo8.Response{}, nil
}

func (f *fakeAPI) all() []bangwo8.Company {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.companies)
}

func (f *fakeAPI) AllCompanies(context.Context, bangwo8.ListOptions) iter.Seq2[bangwo8.Company, error] {
	return func(yield func(bangwo8.Company, error) bool) {
		for _, c := range f.all() {
			if !yield(c, nil) {
				return
			}
		}
	}
}

// AllSearchResults answers every search with every company: the importer keeps those whose
// key is the one it looks for.
func (f *fakeAPI) AllSearchResults(ctx context.Context, _ string, _ bangwo8.SearchOptions) iter.Seq2[bangwo8.Company, error] {
	f.mu.Lock()
	f.searches++
	f.mu.Unlock()
	return f.AllCompanies(ctx, bangwo8.ListOptions{})
}

func (f *fakeAPI) ShowMany(_ context.Context, ids []int64) ([]bangwo8.Company, *bangwo8.Response, error) {
	var out []bangwo8.Company
	for _, c := range f.all() {
		if slices.Contains(ids, c.UID) {
			out = append(out, c)
		}
	}
	return out, &bangwo8.Response{}, nil
}

func (f *fakeAPI) UpdateCompany(context.Context, int64, bangwo8.CompanyInput) (*bangwo8.Company, *bangwo8.Response, error) {
	return nil, nil, errors.New("no update expected")
}

// TestLostCreateIsLookedUpAndResentUpToRetries: a create whose answer is lost is looked up;
// found, it is not sent again; not found, it is sent again, at most Options.Retries times,
// and then the row fails saying why.
func TestLostCreateIsLookedUpAndResentUpToRetries(t *testing.T) {
	lost := createOutcome{takesEffect: false, answerLost: true}
	landed := createOutcome{takesEffect: true, answerLost: true}
	tests := []struct {
		name        string
		script      []createOutcome
		retries     int
		wantCreates int
		wantPlan    string // the row's line
	}{
		{"lost, landed: found, not resent", []createOutcome{landed}, 3, 1, "row 2: created 新公司001 (服务账号 acc-001, uId 1001)\n"},
		{"lost twice, then heard", []createOutcome{lost, lost}, 3, 3, "row 2: created 新公司001 (服务账号 acc-001, uId 1003)\n"},
		{"lost, lost, landed: found after the third", []createOutcome{lost, lost, landed}, 2, 3, "row 2: created 新公司001 (服务账号 acc-001, uId 1003)\n"},
		{"lost more often than retries", []createOutcome{lost, lost, lost, lost}, 2, 3,
			"row 2: failed 新公司001 (服务账号 acc-001)\n    error: gave up: the answers of 3 creates were lost and no company was found (retries 2): "},
		{"no retries: one create, then the row fails", []createOutcome{lost}, 0, 1,
			"row 2: failed 新公司001 (服务账号 acc-001)\n    error: gave up: the answer of the create was lost and no company was found (retries 0): "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &fakeAPI{script: tt.script}
			in := tempPath(t, "in.csv")
			writeCSV(t, in, manyRows(1), "utf8")
			var plan strings.Builder
			sum, err := Import(context.Background(), api, in, testMapping(t, "serviceaccount"),
				Options{Mode: ModeCreate, Retries: tt.retries, Plan: &plan, Lang: lang.English})
			if err != nil {
				t.Fatal(err)
			}
			if api.creates != tt.wantCreates {
				t.Errorf("%d creates sent, want %d", api.creates, tt.wantCreates)
			}
			// One search for the plan, then one after each lost answer.
			lostAnswers := 0
			for _, o := range tt.script[:min(len(tt.script), api.creates)] {
				if o.answerLost {
					lostAnswers++
				}
			}
			if api.searches != 1+lostAnswers {
				t.Errorf("%d searches, want %d (the plan's and one per lost answer)", api.searches, 1+lostAnswers)
			}
			if !strings.HasPrefix(plan.String(), tt.wantPlan) {
				t.Errorf("plan %q, want it to start %q", plan.String(), tt.wantPlan)
			}
			failed := strings.Contains(tt.wantPlan, "failed")
			if (sum.Failed == 1) != failed || (sum.Created == 1) == failed {
				t.Errorf("summary %+v", sum)
			}
			if n := len(api.all()); n > 1 || (n == 1) == failed {
				t.Errorf("the service holds %d companies after the run, failed %v", n, failed)
			}
			if failed && !strings.Contains(plan.String(), "connection reset by peer") {
				t.Errorf("the failed row's error %q hides the cause", plan.String())
			}
		})
	}
}
