package extension

import (
	"fmt"
	"strings"
)

// Severity says whether a problem stops the extension from working as meant (Error) or only
// deserves attention (Warning).
type Severity int

const (
	Error Severity = iota
	Warning
)

func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Rule names the rule a problem breaks; the names are stable, for scripts and tests.
type Rule string

const (
	RuleURL              Rule = "url"                // not the extension page's URL, or not a URL
	RuleUnknownParam     Rule = "unknown_param"      // a parameter the vendor ignores
	RuleDuplicateParam   Rule = "duplicate_param"    // a parameter given twice
	RuleTableRequired    Rule = "table_required"     // neither tableId nor tableName
	RuleTableID          Rule = "table_id"           // tableId is not a positive whole number
	RuleTableBoth        Rule = "table_both"         // both given: tableName wins when they differ
	RuleCParaRequired    Rule = "cpara_required"     // cPara missing or empty
	RuleCParaPair        Rule = "cpara_pair"         // not asset_field:company_field
	RuleCParaTarget      Rule = "cpara_target"       // a target that is no single-line text custom field
	RuleFilterPair       Rule = "filter_pair"        // not field:value
	RuleOwnerType        Rule = "owner_type"         // ownerType other than contacter or company
	RuleOwnerWithoutType Rule = "owner_without_type" // owner given, ownerType not: all rows show
	RulePlaceholder      Rule = "placeholder"        // an unknown or malformed placeholder
	RulePlaceholderType  Rule = "placeholder_type"   // a placeholder of the other owner type
	RuleDisplay          Rule = "display"            // empty or repeated display columns
	RulePick             Rule = "pick"               // pick other than error, first or last
	RuleFullWidth        Rule = "full_width"         // a full-width ：or ， where the vendor reads : and ,
)

// Problem is one broken rule, with the parameter and the part of its value at fault and how
// to fix it.
type Problem struct {
	Severity Severity
	Rule     Rule
	Param    string // tableId, tableName, cPara, filter, display, pick, or url
	Value    string // the part of the value at fault; "" when the parameter is missing
	Message  string
	Fix      string
}

func (p Problem) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s] %s", p.Severity, p.Rule, p.Param)
	if p.Value != "" {
		fmt.Fprintf(&b, " %q", p.Value)
	}
	fmt.Fprintf(&b, ": %s", p.Message)
	if p.Fix != "" {
		fmt.Fprintf(&b, "; fix: %s", p.Fix)
	}
	return b.String()
}

// Problems is a list of problems, errors and warnings mixed.
type Problems []Problem

// Errors returns the problems of severity Error.
func (ps Problems) Errors() Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == Error {
			out = append(out, p)
		}
	}
	return out
}

// Err is nil when there is no Error, else an error listing them all.
func (ps Problems) Err() error {
	errs := ps.Errors()
	if len(errs) == 0 {
		return nil
	}
	lines := make([]string, len(errs))
	for i, p := range errs {
		lines[i] = p.String()
	}
	return fmt.Errorf("extension configuration: %s", strings.Join(lines, "\n"))
}

// collector gathers problems while parameters are read.
type collector struct{ problems Problems }

func (c *collector) add(sev Severity, rule Rule, param, value, fix, format string, args ...any) {
	c.problems = append(c.problems, Problem{Severity: sev, Rule: rule, Param: param, Value: value,
		Message: fmt.Sprintf(format, args...), Fix: fix})
}
