package cellfmt

import (
	"fmt"
	"reflect"
	"testing"
)

// pair is the compiled type that the interpreted one below stands for.
type pair struct{ a, b int }

// TestMatchesCompiled builds pair as yaegi does (reflect.StructOf, with
// field a named Xa), registers it, and checks that Sprintf prints values
// of it as fmt prints the compiled pair.
func TestMatchesCompiled(t *testing.T) {
	intT := reflect.TypeFor[int]()
	yt := reflect.StructOf([]reflect.StructField{{Name: "Xa", Type: intT}, {Name: "Xb", Type: intT}})
	Register(reflect.Zero(reflect.PointerTo(yt)).Interface(), "cellfmt.pair", "a", "b")
	mk := func(a, b int) reflect.Value {
		v := reflect.New(yt).Elem()
		v.Field(0).SetInt(int64(a))
		v.Field(1).SetInt(int64(b))
		return v
	}
	y := mk(1, 2)
	ySlice := reflect.Append(reflect.MakeSlice(reflect.SliceOf(yt), 0, 2), mk(3, 4), mk(5, 6))
	yMap := reflect.MakeMap(reflect.MapOf(reflect.TypeFor[string](), yt))
	yMap.SetMapIndex(reflect.ValueOf("z"), mk(7, 8))
	yMap.SetMapIndex(reflect.ValueOf("a"), mk(9, 10))
	yPtr := y.Addr()
	yNilPtr := reflect.Zero(reflect.PointerTo(yt))

	compiled := []any{pair{1, 2}, []pair{{3, 4}, {5, 6}}, map[string]pair{"z": {7, 8}, "a": {9, 10}}, &pair{1, 2}, (*pair)(nil), 42}
	interpreted := []any{y.Interface(), ySlice.Interface(), yMap.Interface(), yPtr.Interface(), yNilPtr.Interface(), 42}
	for _, format := range []string{
		"%v %v %v %v %v %d",
		"%+v %+v %+v %+v %+v %5d",
		"%#v %#v %#v %#v %#v %x",
		"%T %T %T %T %T %T",
		"%[2]T %[1]v %[3]v",
		"%s %d %x %v %v %v",
		"%v %v %[1]v %v %v %v %v",
	} {
		want := fmt.Sprintf(format, compiled...)
		got := Sprintf(format, interpreted...)
		if got != want {
			t.Errorf("Sprintf(%q):\n got %s\nwant %s", format, got, want)
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf(`Sprintf("%%[1]T %%[1]v") of an interpreted type did not refuse`)
			}
		}()
		Sprintf("%[1]T %[1]v", interpreted[0])
	}()
	if got, want := Sprintln(interpreted[:5]...), fmt.Sprintln(compiled[:5]...); got != want {
		t.Errorf("Sprintln:\n got %s\nwant %s", got, want)
	}
}
