package matrix_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/lazygraph/lazygraph/dataframe"
	"github.com/lazygraph/lazygraph/dataframe/matrix"
)

func ExampleDense() {
	f, err := dataframe.ReadCSVFrom(strings.NewReader("site,dose,response\nnorth,1,2.1\nsouth,2,3.9\nnorth,3,6.2\nsouth,4,NA\nnorth,5,9.8\n"))
	if err != nil {
		log.Fatal(err)
	}
	complete, err := f.DropMissing("response")
	if err != nil {
		log.Fatal(err)
	}
	x, err := matrix.Dense(complete, dataframe.Intercept, "dose")
	if err != nil {
		log.Fatal(err)
	}
	y, err := matrix.Vector(complete, "response")
	if err != nil {
		log.Fatal(err)
	}
	var qr mat.QR
	qr.Factorize(x)
	var beta mat.VecDense
	if err := qr.SolveVecTo(&beta, false, y); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("intercept %.3f, slope %.3f\n", beta.AtVec(0), beta.AtVec(1))

	_, err = matrix.Dense(f, "site")
	fmt.Println(errors.Is(err, dataframe.ErrColumnType), err)
	// Output:
	// intercept 0.157, slope 1.943
	// true dataframe: RowMajor: column "site" is string, want float64 or int64 or bool
}
