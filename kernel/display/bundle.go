package display

import (
	"encoding/base64"
	"fmt"
	"image"
	"reflect"
	"strconv"
	"strings"
)

// A value with one of these methods is shown with it by Show and as a cell's
// result. A value may have several; the notebook picks the richest its
// front end can render.
type (
	// HTMLer is a value that renders itself as HTML.
	HTMLer interface{ HTML() string }
	// SVGer is a value that renders itself as an SVG document.
	SVGer interface{ SVG() string }
	// Markdowner is a value that renders itself as Markdown.
	Markdowner interface{ Markdown() string }
	// PNGer is a value that renders itself as a PNG image.
	PNGer interface{ PNG() []byte }
	// JPEGer is a value that renders itself as a JPEG image.
	JPEGer interface{ JPEG() []byte }
	// LaTeXer is a value that renders itself as LaTeX.
	LaTeXer interface{ LaTeX() string }
	// JSONer is a value whose JSON method returns a value to show as JSON.
	JSONer interface{ JSON() any }
)

// Bundle returns the MIME bundle (data, metadata) for a value shown as a
// cell's result. It uses the value's HTML, SVG, Markdown, PNG, JPEG, LaTeX and
// JSON methods (see HTMLer and the other interfaces), encodes an image.Image
// as PNG, shows a slice or array of structs or of maps with string keys as a
// table (as Table does), and always adds text/plain: the value's String or
// Error method, a string quoted as in Go source, or its fmt %v form (%+v for
// structs, so fields are named).
// ok is false if there is nothing to show (v is nil).
//
// Methods are not called on nil pointers. A panic in a method propagates.
func Bundle(v any) (data, metadata map[string]any, ok bool) {
	if v == nil {
		return nil, nil, false
	}
	data = map[string]any{}
	metadata = map[string]any{}
	if isNilPointer(v) {
		data["text/plain"] = "<nil>"
		return data, metadata, true
	}
	if x, ok := v.(HTMLer); ok {
		data["text/html"] = x.HTML()
	}
	if x, ok := v.(SVGer); ok {
		data["image/svg+xml"] = x.SVG()
	}
	if x, ok := v.(Markdowner); ok {
		data["text/markdown"] = x.Markdown()
	}
	if x, ok := v.(LaTeXer); ok {
		data["text/latex"] = latex(x.LaTeX())
	}
	if x, ok := v.(PNGer); ok {
		data["image/png"] = base64.StdEncoding.EncodeToString(x.PNG())
	}
	if x, ok := v.(JPEGer); ok {
		data["image/jpeg"] = base64.StdEncoding.EncodeToString(x.JPEG())
	}
	if x, ok := v.(JSONer); ok {
		j, err := jsonValue(x.JSON())
		if err == nil {
			data["application/json"] = j
		}
	}
	if img, ok := v.(image.Image); ok && data["image/png"] == nil {
		for mime, d := range imageData(img) {
			if mime != "text/plain" || !hasText(v) {
				data[mime] = d
			}
		}
	}
	if t, ok := tableOf(v); ok {
		if data["text/html"] == nil {
			data["text/html"] = t.HTML()
		}
		if data["text/plain"] == nil && !hasText(v) {
			data["text/plain"] = t.String()
		}
	}
	if data["text/plain"] == nil && isWrapper(v) {
		data["text/plain"] = wrapperText(data)
	}
	if s, isString := v.(string); isString && data["text/plain"] == nil {
		// A string result is shown quoted, as Go source would write it, so
		// that "42" and 42 look different.
		data["text/plain"] = strconv.Quote(s)
	}
	if data["text/plain"] == nil {
		data["text/plain"] = plainText(v)
	}
	return data, metadata, true
}

// isWrapper reports whether v is an interface wrapper the yaegi interpreter
// made for a value of a type declared in a cell, so that compiled code can
// call its methods: a struct type named _<package path>_<interface> whose
// first field is IValue. Its fields are no use to show.
func isWrapper(v any) bool {
	t := reflect.TypeOf(v)
	return t.Kind() == reflect.Struct && strings.HasPrefix(t.Name(), "_") && t.NumField() > 0 && t.Field(0).Name == "IValue"
}

// wrapperText is the text/plain form of a wrapped value: the source of its
// textual rich form, or the name of its form.
func wrapperText(data map[string]any) string {
	for _, mime := range []string{"text/markdown", "text/latex", "text/html"} {
		if s, ok := data[mime].(string); ok {
			return s
		}
	}
	for mime := range data {
		return "<" + mime + ">"
	}
	return ""
}

// hasText reports whether v formats itself with a String or Error method.
func hasText(v any) bool {
	switch v.(type) {
	case fmt.Stringer, error:
		return true
	}
	return false
}

// plainText is the text/plain form of v: its String or Error method, or fmt
// %v, with field names for structs.
func plainText(v any) string {
	switch x := v.(type) {
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	case string:
		return x
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.Struct && rv.Type().Name() == "":
		return cellStruct(rv)
	case rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Struct && rv.Elem().Type().Name() == "":
		return "&" + cellStruct(rv.Elem())
	case rv.Kind() == reflect.Struct || rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Struct:
		return fmt.Sprintf("%+v", v)
	}
	return fmt.Sprint(v)
}

// cellStruct formats a struct value of a type declared in a cell as %+v
// does, with the field names the cell used (see fieldName).
func cellStruct(v reflect.Value) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range v.NumField() {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(fieldName(v.Type(), v.Type().Field(i).Name) + ":")
		f := v.Field(i)
		if f.Kind() == reflect.Struct && f.Type().Name() == "" {
			b.WriteString(cellStruct(f))
		} else {
			fmt.Fprint(&b, f)
		}
	}
	b.WriteString("}")
	return b.String()
}

// isNilPointer reports whether v is a nil pointer, map, slice, func, channel
// or interface inside a non-nil interface.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Func, reflect.Chan, reflect.Interface, reflect.UnsafePointer:
		return rv.IsNil()
	}
	return false
}
