package display

import (
	"fmt"
	"html"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTableRows is how many rows a table shows; the rest are counted.
const maxTableRows = 200

// Table shows rows as a table. rows is a slice or array of structs (or
// pointers to structs), one row per element and one column per field, or
// of maps with string keys, one column per key; or a map, one row per key.
// Anything else is shown as Show shows it. At most 200 rows are shown; a
// last line says how many were left out.
//
// A slice of structs or of maps that is a cell's result is shown as a table
// too (see Bundle); Table is for showing one in the middle of a cell.
func Table(rows any) {
	t, ok := tableOf(rows)
	if !ok {
		t, ok = mapTable(rows)
	}
	if !ok {
		Show(rows)
		return
	}
	show(map[string]any{"text/html": t.HTML(), "text/plain": t.String()})
}

// table is a rectangle of formatted cells with a header.
type table struct {
	cols    []string
	numeric []bool // column holds numbers: right-aligned
	rows    [][]string
	more    int // rows left out
}

// tableOf makes a table of a slice or array of structs, pointers to
// structs, or maps with string keys. ok is false for anything else, and for
// an empty slice.
func tableOf(v any) (t *table, ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array || rv.Len() == 0 {
		return nil, false
	}
	et := rv.Type().Elem()
	if rendersItself(et) {
		return nil, false
	}
	if et.Kind() == reflect.Pointer && et.Elem().Kind() == reflect.Struct {
		et = et.Elem()
	}
	switch {
	case et.Kind() == reflect.Struct && len(columns(et)) > 0:
		return structTable(rv, et), true
	case et.Kind() == reflect.Map && et.Key().Kind() == reflect.String:
		return mapsTable(rv), true
	}
	return nil, false
}

// rendersItself reports whether values of type t (or *t) have a String,
// Error or display method: such values are shown by it, not as a table row.
func rendersItself(t reflect.Type) bool {
	for _, t := range []reflect.Type{t, reflect.PointerTo(t)} {
		for _, i := range []reflect.Type{
			reflect.TypeFor[fmt.Stringer](), reflect.TypeFor[error](), reflect.TypeFor[HTMLer](), reflect.TypeFor[SVGer](),
			reflect.TypeFor[Markdowner](), reflect.TypeFor[PNGer](), reflect.TypeFor[JPEGer](), reflect.TypeFor[LaTeXer](),
		} {
			if t.Implements(i) {
				return true
			}
		}
	}
	return false
}

// columns returns the indexes of the fields of struct type t shown as
// columns: the exported ones (all fields of types declared in cells are).
func columns(t reflect.Type) []int {
	var cols []int
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			cols = append(cols, i)
		}
	}
	return cols
}

func structTable(rv reflect.Value, et reflect.Type) *table {
	t := &table{}
	cols := columns(et)
	for _, i := range cols {
		f := et.Field(i)
		t.cols = append(t.cols, fieldName(et, f.Name))
		t.numeric = append(t.numeric, isNumber(f.Type))
	}
	n := min(rv.Len(), maxTableRows)
	t.more = rv.Len() - n
	for i := range n {
		e := rv.Index(i)
		row := make([]string, len(t.cols))
		if e.Kind() == reflect.Pointer {
			if e.IsNil() {
				row[0] = "<nil>"
				t.rows = append(t.rows, row)
				continue
			}
			e = e.Elem()
		}
		for j, i := range cols {
			row[j] = cellText(e.Field(i))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// fieldName is how a column is headed. The yaegi interpreter gives the
// unexported field name of a struct declared in a cell an X in front (its
// struct types are unnamed); that X is dropped again.
func fieldName(st reflect.Type, name string) string {
	if st.Name() == "" && strings.HasPrefix(name, "X") {
		r, _ := utf8.DecodeRuneInString(name[1:])
		if unicode.IsLower(r) || r == '_' {
			return name[1:]
		}
	}
	return name
}

func mapsTable(rv reflect.Value) *table {
	t := &table{}
	n := min(rv.Len(), maxTableRows)
	t.more = rv.Len() - n
	seen := map[string]bool{}
	for i := range n {
		for _, k := range rv.Index(i).MapKeys() {
			if !seen[k.String()] {
				seen[k.String()] = true
				t.cols = append(t.cols, k.String())
			}
		}
	}
	slices.Sort(t.cols)
	t.numeric = make([]bool, len(t.cols))
	for j := range t.numeric {
		t.numeric[j] = true
	}
	for i := range n {
		m := rv.Index(i)
		row := make([]string, len(t.cols))
		for j, c := range t.cols {
			v := m.MapIndex(reflect.ValueOf(c).Convert(m.Type().Key()))
			if !v.IsValid() {
				continue
			}
			row[j] = cellText(v)
			if !holdsNumber(v) {
				t.numeric[j] = false
			}
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// mapTable makes a two-column table of a map: key and value, sorted by key.
func mapTable(v any) (t *table, ok bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return nil, false
	}
	t = &table{cols: []string{"key", "value"}, numeric: []bool{isNumber(rv.Type().Key()), isNumber(rv.Type().Elem())}}
	keys := rv.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return compareValues(a, b) })
	n := min(len(keys), maxTableRows)
	t.more = len(keys) - n
	for _, k := range keys[:n] {
		t.rows = append(t.rows, []string{cellText(k), cellText(rv.MapIndex(k))})
	}
	return t, true
}

// compareValues orders map keys as fmt does for the kinds keys usually have.
func compareValues(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmpOrdered(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmpOrdered(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmpOrdered(a.Float(), b.Float())
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func cmpOrdered[T int64 | uint64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func isNumber(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// holdsNumber reports whether v is a number, or an interface holding one.
func holdsNumber(v reflect.Value) bool {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	return isNumber(v.Type())
}

// cellText formats one table cell as fmt does, on one line.
func cellText(v reflect.Value) string {
	s := fmt.Sprint(v)
	return strings.ReplaceAll(s, "\n", " ")
}

// HTML renders the table as an HTML table.
func (t *table) HTML() string {
	var b strings.Builder
	b.WriteString("<table>\n<thead><tr>")
	for j, c := range t.cols {
		fmt.Fprintf(&b, "<th%s>%s</th>", t.align(j), html.EscapeString(c))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, row := range t.rows {
		b.WriteString("<tr>")
		for j, c := range row {
			fmt.Fprintf(&b, "<td%s>%s</td>", t.align(j), html.EscapeString(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	if t.more > 0 {
		fmt.Fprintf(&b, "<p>… %d more rows</p>\n", t.more)
	}
	return b.String()
}

func (t *table) align(col int) string {
	if t.numeric[col] {
		return ` style="text-align: right"`
	}
	return ` style="text-align: left"`
}

// String renders the table as aligned text columns.
func (t *table) String() string {
	width := make([]int, len(t.cols))
	for j, c := range t.cols {
		width[j] = utf8.RuneCountInString(c)
	}
	for _, row := range t.rows {
		for j, c := range row {
			width[j] = max(width[j], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		var l strings.Builder
		for j, c := range cells {
			if j > 0 {
				l.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(c))
			if t.numeric[j] {
				l.WriteString(pad + c)
			} else {
				l.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	line(t.cols)
	for _, row := range t.rows {
		line(row)
	}
	if t.more > 0 {
		fmt.Fprintf(&b, "… %d more rows\n", t.more)
	}
	return b.String()
}
