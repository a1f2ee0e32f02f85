   module top(input [7:0] x, output [3:0] y);
     lib_circuit u(.a0(x[0]), .a1(x[1]), /* ... */ .o0(y[0]), .o1(y[1]) /* ... */);
   endmodule
   