package mapping

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// MaxFileSize bounds a mapping file. Real ones are a few kilobytes; the bound keeps a hostile
// file from costing more than a moment to refuse.
const MaxFileSize = 1 << 20

// FileError lists every problem found in a mapping file, each with its place.
type FileError struct {
	Name     string
	Problems []FileProblem
}

// FileProblem is one problem at a line and column (both from 1) of a mapping file.
type FileProblem struct {
	Line, Column int
	Message      string
}

func (e *FileError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s", e.Name, p.Line, p.Column, p.Message)
	}
	return b.String()
}

// Load reads and checks the mapping file at path. A bad file gives a *FileError.
func Load(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mapping file: %w", err)
	}
	defer f.Close()
	// Read one byte past the bound, so that a large file is refused without reading it all.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("mapping file %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse checks the mapping file data; name is used in messages. A bad file gives a *FileError
// with every problem found, not only the first.
func Parse(name string, data []byte) (*Mapping, error) {
	l := &loader{name: name}
	m := l.parse(data)
	if len(l.problems) > 0 {
		slices.SortStableFunc(l.problems, func(a, b FileProblem) int {
			return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
		})
		return nil, &FileError{Name: name, Problems: l.problems}
	}
	return m, nil
}

// maxFlowDepth bounds the nesting of [ and { (a mapping file needs 3).
const maxFlowDepth = 32

// tooDeep finds where brackets nest deeper than limit. It counts brackets inside quotes too,
// which only makes it stricter than needed for values no mapping file has.
func tooDeep(data []byte, limit int) (line, col int, ok bool) {
	depth := 0
	line, col = 1, 0
	for _, b := range data {
		col++
		switch b {
		case '\n':
			line, col = line+1, 0
		case '[', '{':
			if depth++; depth > limit {
				return line, col, false
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return 0, 0, true
}

// loader collects the problems of one file while it is read.
type loader struct {
	name     string
	problems []FileProblem
}

func (l *loader) errorf(n ast.Node, format string, args ...any) {
	line, col := position(n)
	l.problems = append(l.problems, FileProblem{Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

func position(n ast.Node) (int, int) {
	// A block mapping's own token is its first colon; people look for its first key.
	switch m := n.(type) {
	case nil:
		return 1, 1
	case *ast.MappingNode:
		if !m.IsFlowStyle && len(m.Values) > 0 {
			return position(m.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return position(m.Key)
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 1, 1
}

func (l *loader) parse(data []byte) *Mapping {
	if len(data) > MaxFileSize {
		l.problems = append(l.problems, FileProblem{1, 1, fmt.Sprintf("file is larger than %d bytes", MaxFileSize)})
		return nil
	}
	data = []byte(strings.TrimPrefix(string(data), "\uFEFF"))
	// The YAML parser spends time and memory quadratic in the nesting of flow collections, so a
	// megabyte of "[" would take minutes: refuse deep nesting before parsing.
	if line, col, ok := tooDeep(data, maxFlowDepth); !ok {
		l.problems = append(l.problems, FileProblem{line, col, fmt.Sprintf("brackets nested deeper than %d levels", maxFlowDepth)})
		return nil
	}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		p := FileProblem{Line: 1, Column: 1, Message: err.Error()}
		var ye yaml.Error
		if errors.As(err, &ye) {
			p.Message = ye.GetMessage()
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				p.Line, p.Column = tk.Position.Line, tk.Position.Column
			}
		}
		l.problems = append(l.problems, p)
		return nil
	}
	var body ast.Node
	for i, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			l.errorf(doc.Body, "a mapping file holds one YAML document; found document %d", i+1)
			return nil
		}
		body = doc.Body
	}
	if body == nil {
		l.problems = append(l.problems, FileProblem{1, 1, "empty mapping file: it needs version: 1 and columns"})
		return nil
	}
	// Anchors and aliases make a small file expand into a huge one ("billion laughs"); a
	// mapping file has no use for them, so they are refused before anything is read.
	if !l.plain(body) {
		return nil
	}
	return l.mapping(body)
}

// plain reports whether the tree has no anchors, aliases, merge keys or tags, and reports each.
func (l *loader) plain(root ast.Node) bool {
	ok := true
	ast.Walk(visitor(func(n ast.Node) {
		switch n.(type) {
		case *ast.AnchorNode, *ast.AliasNode:
			l.errorf(n, "anchors and aliases (& and *) are not allowed in a mapping file")
			ok = false
		case *ast.MergeKeyNode:
			l.errorf(n, "merge keys (<<) are not allowed in a mapping file")
			ok = false
		case *ast.TagNode:
			l.errorf(n, "tags (!!) are not allowed in a mapping file; quote the value instead")
			ok = false
		}
	}), root)
	return ok
}

type visitor func(ast.Node)

func (v visitor) Visit(n ast.Node) ast.Visitor {
	v(n)
	return v
}

// scalar returns the text of a scalar node (a string unquoted, anything else as written) and
// false for a mapping or a sequence.
func scalar(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		return n.Value.Value, true
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// entries returns the key-value pairs of a mapping node, or reports what it is instead.
func (l *loader) entries(n ast.Node, what string) ([]*ast.MappingValueNode, bool) {
	switch n := n.(type) {
	case *ast.MappingNode:
		return n.Values, true
	case *ast.MappingValueNode: // a mapping with one key
		return []*ast.MappingValueNode{n}, true
	}
	l.errorf(n, "%s must be a mapping (key: value)", what)
	return nil, false
}

func (l *loader) text(n ast.Node, key string) (string, bool) {
	s, ok := scalar(n)
	if !ok {
		l.errorf(n, "%s must be a single value", key)
	}
	return s, ok
}

func (l *loader) boolean(n ast.Node, key string) (bool, bool) {
	if b, ok := n.(*ast.BoolNode); ok {
		return b.Value, true
	}
	l.errorf(n, "%s must be true or false", key)
	return false, false
}

func (l *loader) integer(n ast.Node, key string) (int, bool) {
	if i, ok := n.(*ast.IntegerNode); ok {
		switch v := i.Value.(type) {
		case int64:
			if v >= 0 && v <= 1<<31 {
				return int(v), true
			}
		case uint64:
			if v <= 1<<31 {
				return int(v), true
			}
		}
	}
	l.errorf(n, "%s must be a whole number", key)
	return 0, false
}

// unknownKey reports a key the format does not have, suggesting the closest one.
func (l *loader) unknownKey(n ast.Node, key string, known []string) {
	best, bestDist := "", 3 // suggest only near misses: at most two edits
	for _, k := range known {
		if d := editDistance(strings.ToLower(k), strings.ToLower(key)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		l.errorf(n, "unknown key %q (did you mean %q?)", key, best)
		return
	}
	l.errorf(n, "unknown key %q; known keys: %s", key, strings.Join(known, ", "))
}

// editDistance is the Levenshtein distance of two short strings, by runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 64 // no key is that long: not a near miss
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
