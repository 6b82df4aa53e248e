// Placeholder: the console client (SPEC section 8) is built in its own issue.
Console.Error.WriteLine("The Chat console client is not built yet; use the browser page at http://localhost:5000.");
return 2;
