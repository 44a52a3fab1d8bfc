package mapping

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"

	"github.com/bangwo8-etl/bangwo8-etl/extension"
)

// Extension is the mapping file's extension block: the company external extension whose
// asset table fills custom fields (import --assets, bangwo8-etl extension). Its rules are
// extension.Parse's; the file's problems carry line and column like every other key's.
type Extension struct {
	Config   extension.Config
	Params   extension.Params   // as written (or read from url)
	Warnings extension.Problems // problems that do not stop the file (tableId and tableName both given, ...)
	Line     int                // where the block starts
	Col      int

	cParaAt ast.Node // where cPara is written, for the problems of its targets
}

// extensionKeys are the keys of the extension block: the vendor's parameters as the page
// spells them, url (the whole configuration URL instead of them), and pick.
var extensionKeys = []string{"url", "tableId", "tableName", "cPara", "filter", "display", "pick"}

// extension reads the extension block; the cPara targets are checked against the columns
// later, by extensionTargets.
func (l *loader) extension(n ast.Node) *Extension {
	entries, ok := l.entries(n, "extension")
	if !ok {
		return nil
	}
	ext := &Extension{}
	ext.Line, ext.Col = position(n)
	nodes := map[string]ast.Node{}
	var urlNode ast.Node
	for _, e := range entries {
		key, _ := scalar(e.Key)
		v, ok := l.text(e.Value, "extension."+key)
		if !ok {
			continue
		}
		p := &ext.Params
		switch key {
		case "url":
			urlNode = e.Value
			continue
		case "tableId":
			p.TableID = v
		case "tableName":
			p.TableName = v
		case "cPara":
			p.CPara = v
		case "filter":
			p.Filter = v
		case "display":
			p.Display = v
		case "pick":
			p.Pick = v
		default:
			l.unknownKey(e.Key, key, extensionKeys)
			continue
		}
		nodes[key] = e.Value
	}
	if urlNode != nil {
		if len(nodes) > 0 && (len(nodes) > 1 || nodes["pick"] == nil) {
			l.errorf(urlNode, "extension: give url or the parameters (tableName, cPara, ...), not both")
			return nil
		}
		raw, _ := scalar(urlNode)
		pick := ext.Params.Pick
		var problems extension.Problems
		ext.Params, problems = extension.ParseURL(raw)
		ext.Params.Pick = pick
		ext.Warnings = append(ext.Warnings, problems...)
		for _, k := range []string{"tableId", "tableName", "cPara", "filter", "display"} {
			nodes[k] = urlNode
		}
	}
	ext.cParaAt = nodes["cPara"]
	var problems extension.Problems
	ext.Config, problems = extension.Parse(ext.Params)
	for _, p := range problems {
		if p.Severity == extension.Warning {
			ext.Warnings = append(ext.Warnings, p)
			continue
		}
		at := nodes[p.Param]
		if at == nil {
			at = n // a missing parameter: point at the block
		}
		l.errorf(at, "extension: %s", problemText(p))
	}
	return ext
}

// extensionTargets checks that every cPara target is a custom.<key> text column that import
// writes, so the backfilled value goes through the same conversion and diff as any cell.
func (l *loader) extensionTargets(m *Mapping, n ast.Node) {
	if m.Extension == nil {
		return
	}
	for _, p := range m.Extension.Config.CheckTargets(func(key string) (string, string) {
		return targetProblem(m, key)
	}) {
		at := m.Extension.cParaAt
		if at == nil {
			at = n
		}
		l.errorf(at, "extension: %s", problemText(p))
	}
}

// targetProblem says why custom field key cannot take a backfilled value in m, or "".
func targetProblem(m *Mapping, key string) (msg, fix string) {
	c := findField(m.Columns, CustomPrefix+key)
	switch {
	case c == nil:
		return fmt.Sprintf("no column maps %s%s, the target of cPara", CustomPrefix, key),
			fmt.Sprintf("add a column with field: %s%s (type text)", CustomPrefix, key)
	case c.Type != TypeText:
		return fmt.Sprintf("the column %q of %s is type %s: the extension fills single-line text fields only", c.Header, c.Field, c.Type),
			"make the column type: text, or fill another field"
	case c.ReadOnly:
		return fmt.Sprintf("the column %q of %s is readonly: import never writes it", c.Header, c.Field),
			"remove readonly: true from the column"
	}
	return "", ""
}

func problemText(p extension.Problem) string {
	s := p.Param
	if p.Value != "" {
		s += fmt.Sprintf(" %q", p.Value)
	}
	s += ": " + p.Message
	if p.Fix != "" {
		s += "; fix: " + p.Fix
	}
	return s
}
