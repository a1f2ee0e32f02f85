module apc3(x, y);
  input [2:0] x;
  output [1:0] y;
  assign y[0] = x[0] | x[1] | x[2];
  assign y[1] = (x[0] & x[1]) | (x[2] & (x[0] | x[1]));
endmodule
