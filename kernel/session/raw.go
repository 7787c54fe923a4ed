package session

import (
	"context"
	"reflect"
)

// executeRaw runs a cell with yaegi alone (Options.Raw). The value yaegi
// returns is the cell's result; yaegi gives one for any final statement, so
// this mode shows more results than the front end does.
func (s *Session) executeRaw(ctx context.Context, n int, src string) (Result, error) {
	v, err := s.eval(ctx, src)
	if err != nil {
		return Result{}, s.cellError(n, nil, err)
	}
	if v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() || !v.CanInterface() {
		return Result{}, nil
	}
	return Result{Value: v.Interface(), Ok: true}, nil
}
