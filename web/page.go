package web

import (
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/bangwo8-etl/bangwo8-etl/lang"
)

// langOf is the language of a request: ?lang=, else the lang cookie the page set, else the
// console's.
func (s *Server) langOf(r *http.Request) lang.Lang {
	v := r.URL.Query().Get("lang")
	if v == "" {
		if c, err := r.Cookie("lang"); err == nil {
			v = c.Value
		}
	}
	if l, err := lang.Parse(v); err == nil && v != "" {
		return l
	}
	return s.cfg.Lang
}

// pageData is what the page template shows.
type pageData struct {
	Lang    string
	Other   string // the language the switch goes to
	T       map[string]string
	TJSON   template.JS // the same words for the script (a JSON object)
	Server  string
	Account string
	Sandbox bool
}

func (s *Server) handlePage(w http.ResponseWriter, r *http.Request) {
	l := s.langOf(r)
	if q := r.URL.Query().Get("lang"); q != "" {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(l), Path: "/", SameSite: http.SameSiteStrictMode})
	}
	words := wordsFor(l)
	js, err := json.Marshal(words)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	d := pageData{Lang: string(l), Other: "en", T: words, TJSON: template.JS(js),
		Server: s.cfg.Server, Account: s.cfg.Account, Sandbox: s.cfg.Sandbox}
	if l == lang.English {
		d.Lang, d.Other = "en", "zh"
	} else {
		d.Lang = "zh"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.page.Execute(w, d); err != nil {
		s.log.Warn("page", "err", err)
	}
}

func staticFS() fs.FS {
	sub, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}

// writeJSON answers v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers an error the page shows as it is: its text is for the person.
func fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// readJSON decodes a small JSON body into v; a body over maxJSONBody is refused.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(w, http.StatusRequestEntityTooLarge, "request too large") // only a script sends one
		} else {
			fail(w, http.StatusBadRequest, "bad request: "+err.Error())
		}
		return false
	}
	return true
}
