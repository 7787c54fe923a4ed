package symbols

import (
	"encoding"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log"
	"reflect"
)

func init() { tables = append(tables, addMapTypes) }

// addMapTypes adds the table "." with MapTypes, which lists, for functions
// that take an `any` but behave differently when it implements an
// interface (fmt.Println and fmt.Stringer), the interfaces yaegi must make
// interpreted values implement when they are passed to them. It follows
// yaegi's stdlib/maptypes.go.
func addMapTypes(into map[string]map[string]reflect.Value) {
	byFunc := map[reflect.Value][]reflect.Type{}
	into["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(byFunc)}

	mt := []reflect.Type{
		reflect.TypeFor[fmt.Formatter](),
		reflect.TypeFor[fmt.Stringer](),
		reflect.TypeFor[error](),
	}
	for _, f := range []any{
		fmt.Errorf, fmt.Fprint, fmt.Fprintf, fmt.Fprintln, fmt.Print, fmt.Printf, fmt.Println,
		fmt.Sprint, fmt.Sprintf, fmt.Sprintln, fmt.Append, fmt.Appendf, fmt.Appendln,
		log.Fatal, log.Fatalf, log.Fatalln, log.Panic, log.Panicf, log.Panicln,
		log.Print, log.Printf, log.Println,
	} {
		byFunc[reflect.ValueOf(f)] = mt
	}

	mt = []reflect.Type{reflect.TypeFor[fmt.Scanner]()}
	for _, f := range []any{fmt.Scan, fmt.Scanf, fmt.Scanln, fmt.Fscan, fmt.Fscanf, fmt.Fscanln, fmt.Sscan, fmt.Sscanf, fmt.Sscanln} {
		byFunc[reflect.ValueOf(f)] = mt
	}

	byFunc[reflect.ValueOf(json.Marshal)] = []reflect.Type{
		reflect.TypeFor[json.Marshaler](),
		reflect.TypeFor[encoding.TextMarshaler](),
	}
	byFunc[reflect.ValueOf(json.MarshalIndent)] = byFunc[reflect.ValueOf(json.Marshal)]
	byFunc[reflect.ValueOf(json.Unmarshal)] = []reflect.Type{
		reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.TextUnmarshaler](),
	}
	byFunc[reflect.ValueOf(xml.Marshal)] = []reflect.Type{
		reflect.TypeFor[xml.Marshaler](),
		reflect.TypeFor[encoding.TextMarshaler](),
	}
	byFunc[reflect.ValueOf(xml.Unmarshal)] = []reflect.Type{
		reflect.TypeFor[xml.Unmarshaler](),
		reflect.TypeFor[encoding.TextUnmarshaler](),
	}
}
