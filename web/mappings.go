package web

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bangwo8-etl/bangwo8-etl/lang"
	"github.com/bangwo8-etl/bangwo8-etl/mapping"
	"github.com/bangwo8-etl/bangwo8-etl/samples"
)

// mappingFile is a mapping the console offers: a built-in sample or one uploaded.
type mappingFile struct {
	Name    string `json:"name"`
	BuiltIn bool   `json:"built_in"`
	m       *mapping.Mapping
	data    []byte // the file, for the builder and the download
	digest  string // identifies it in a journal, as the command line's file digest does
}

func parseMapping(name string, data []byte) (*mappingFile, error) {
	m, err := mapping.Parse(name, data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	return &mappingFile{Name: name, m: m, data: data, digest: hex.EncodeToString(sum[:])}, nil
}

// builtinMappings are the sample mappings built into the binary. They are parsed once; a
// sample that does not parse is a build that must not ship, which the tests see.
func builtinMappings() map[string]*mappingFile {
	out := map[string]*mappingFile{}
	for _, name := range []string{samples.Mapping, samples.MappingMinimal} {
		data, err := samples.FS.ReadFile(name)
		if err != nil {
			continue
		}
		mf, err := parseMapping(name, data)
		if err != nil {
			continue
		}
		mf.BuiltIn = true
		out[name] = mf
	}
	return out
}

func (s *Server) mappingNamed(name string) (*mappingFile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mf, ok := s.mappings[name]
	return mf, ok
}

func (s *Server) handleMappings(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	list := make([]*mappingFile, 0, len(s.mappings))
	for _, mf := range s.mappings {
		list = append(list, mf)
	}
	s.mu.Unlock()
	// The samples first, in the order samples.Names gives (the full mapping, then the
	// minimal one), then the uploaded ones by name.
	rank := func(mf *mappingFile) int {
		if i := slices.Index(samples.Names(), mf.Name); mf.BuiltIn && i >= 0 {
			return i
		}
		return len(samples.Names())
	}
	slices.SortFunc(list, func(a, b *mappingFile) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a.Name, b.Name))
	})
	writeJSON(w, http.StatusOK, list)
}

// handleMappingUpload takes a mapping file (multipart field "file"), checks it as the
// command line does, and offers it under its file name.
func (s *Server) handleMappingUpload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxMappingUpload+64<<10)
	l := s.langOf(r)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		uploadError(w, l, MaxMappingUpload, err)
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxMappingUpload+1))
	if err == nil && len(data) > MaxMappingUpload {
		err = &http.MaxBytesError{Limit: MaxMappingUpload}
	}
	if err != nil {
		uploadError(w, l, MaxMappingUpload, err)
		return
	}
	name := filepath.Base(hdr.Filename)
	if ext := strings.ToLower(filepath.Ext(name)); ext != ".yaml" && ext != ".yml" {
		fail(w, http.StatusBadRequest, l.Pick("映射文件应是 .yaml 或 .yml", "a mapping file is .yaml or .yml"))
		return
	}
	mf, err := parseMapping(name, data)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	s.addMapping(mf, "upload-")
	writeJSON(w, http.StatusOK, mf)
}

// addMapping offers mf under its name; one that a built-in sample has is given prefix first,
// so that a sample keeps its name.
func (s *Server) addMapping(mf *mappingFile, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.mappings[mf.Name]; ok && old.BuiltIn {
		mf.Name = prefix + mf.Name
	}
	s.mappings[mf.Name] = mf
}

// uploadError answers a multipart read error: 413 when the body was over its limit of
// limit bytes.
func uploadError(w http.ResponseWriter, l lang.Lang, limit int64, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf(l.Pick("文件太大（上限 %d MiB）：更大的表格请用命令行导入",
			"file too large (at most %d MiB): import a larger sheet from the command line"), limit>>20))
		return
	}
	fail(w, http.StatusBadRequest, l.Pick("上传没有成功：", "the upload failed: ")+err.Error())
}
